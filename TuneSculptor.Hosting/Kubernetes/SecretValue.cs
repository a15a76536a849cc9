using k8s.Models;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// A key of a Secret that a container reads into the environment variable <paramref name="Variable"/>. Its value is
/// never generated here: it is created at deploy time (see deploy/README.md).
/// </summary>
public sealed record SecretValue(string SecretName, string Key, string Variable)
{
    /// <summary>One Secret per secret parameter of the model, named after it, holding its value under <c>value</c>.</summary>
    public static SecretValue For(ParameterResource parameter) =>
        new(parameter.Name, "value", parameter.Name.ToUpperInvariant().Replace('-', '_'));

    public V1EnvVar ToEnvVar() => new()
    {
        Name = Variable,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Key = Key, Name = SecretName } },
    };

    /// <summary>How a value refers to this secret: Kubernetes expands <c>$(NAME)</c> from variables defined earlier.</summary>
    public string Placeholder => $"$({Variable})";
}
