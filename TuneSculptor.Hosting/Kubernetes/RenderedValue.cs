namespace TuneSculptor.Hosting.Kubernetes;

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
