using k8s.Models;

namespace TuneSculptor.AppHost.Kubernetes;

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

/// <summary>
/// An environment variable's value as Kubernetes sees it: text, which may embed secrets as <c>$(VARIABLE)</c>
/// placeholders. Without secrets it belongs in a ConfigMap; with them, in the pod spec next to the secret variables.
/// </summary>
public sealed record RenderedValue(string Text, IReadOnlyList<SecretValue> Secrets)
{
    public static RenderedValue Literal(string text) => new(text, []);

    public static RenderedValue Secret(SecretValue secret) => new(secret.Placeholder, [secret]);

    public bool HasSecrets => Secrets.Count > 0;

    public static RenderedValue Concat(IEnumerable<RenderedValue> parts)
    {
        var list = parts.ToList();
        return new RenderedValue(string.Concat(list.Select(p => p.Text)), list.SelectMany(p => p.Secrets).Distinct().ToList());
    }
}
