using System.Text;
using k8s.Models;

namespace TuneSculptor.Images.Tests.Harness;

/// <summary>
/// A container's environment as the kubelet gives it: <c>envFrom</c> ConfigMaps first, then <c>env</c> in order, each
/// value from a literal, a ConfigMap key or a Secret key, with <c>$(NAME)</c> expanded from what is defined before it.
/// </summary>
internal static class KubernetesEnvironment
{
    public static Dictionary<string, string> Of(V1Container container, DeployedManifests manifests)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            var configMap = source.ConfigMapRef?.Name
                ?? throw new NotSupportedException($"{container.Name}: only envFrom configMapRef is supported.");
            foreach (var (name, value) in manifests.ConfigMap(configMap).Data ?? new Dictionary<string, string>())
            {
                environment[(source.Prefix ?? string.Empty) + name] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            environment[variable.Name] = variable switch
            {
                { ValueFrom.SecretKeyRef: { } secret } => manifests.SecretValue(secret.Name, secret.Key),
                { ValueFrom.ConfigMapKeyRef: { } key } => manifests.ConfigMap(key.Name).Data[key.Key],
                { ValueFrom: not null } => throw new NotSupportedException($"{container.Name}: {variable.Name} uses an unsupported valueFrom."),
                _ => Expand(variable.Value ?? string.Empty, environment),
            };
        }

        return environment;
    }

    /// <summary>Kubernetes' expansion: <c>$(NAME)</c> of a defined variable is replaced, <c>$$</c> is a literal <c>$</c>, anything else stays.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> defined)
    {
        var result = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 >= value.Length)
            {
                result.Append(value[i]);
                continue;
            }

            if (value[i + 1] == '$')
            {
                result.Append('$');
                i++;
                continue;
            }

            var close = value[i + 1] == '(' ? value.IndexOf(')', i + 2) : -1;
            if (close > 0 && defined.TryGetValue(value[(i + 2)..close], out var replacement))
            {
                result.Append(replacement);
                i = close;
                continue;
            }

            result.Append(value[i]);
        }

        return result.ToString();
    }
}
