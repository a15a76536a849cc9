using static TuneSculptor.Hosting.Kubernetes.JsonPatchOperation;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// The <c>tls</c> component: the ingress serves the hosts of <see cref="IngressRoute.Https"/> routes with the
/// certificate in the Secret <see cref="SecretName"/> (made at deploy time: self-signed by deploy/make-secrets.sh,
/// or cert-manager's on a real cluster) and redirects their plain HTTP to HTTPS; and every setting that links users
/// to such a host (the notification's public base URL, which goes into mails) says https. The base stays plain HTTP
/// throughout, so it is consistent without the component too.
/// </summary>
internal static class HttpsComponent
{
    public const string Name = "tls";

    public const string SecretName = "ingress-tls";

    /// <summary>The type ingress-nginx reads a certificate from, with its two keys.</summary>
    public const string SecretType = "kubernetes.io/tls";

    public static readonly IReadOnlyList<string> SecretKeys = ["tls.crt", "tls.key"];

    public static IReadOnlyList<string> Hosts(KubernetesEnvironment cluster) =>
        cluster.IngressRoutes.Values.Where(r => r.Https).Select(r => r.Host).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The value of a setting that links to one of <paramref name="hosts"/> over plain HTTP, made https; null for any
    /// other value. Settings that embed secrets live in the pod spec, which this component does not patch: such a
    /// link fails the publish rather than stay plain HTTP.
    /// </summary>
    public static string? HttpsForm(string setting, RenderedValue value, IReadOnlyList<string> hosts)
    {
        var link = hosts.FirstOrDefault(host => value.Text.StartsWith($"http://{host}", StringComparison.OrdinalIgnoreCase)
            && (value.Text.Length == $"http://{host}".Length || value.Text[$"http://{host}".Length] is '/' or '?' or '#'));
        if (link is null)
        {
            return null;
        }

        return value.HasSecrets
            ? throw new NotSupportedException($"{setting}: a link to the HTTPS host {link} that embeds a secret cannot be made https by the {Name} component.")
            : "https" + value.Text["http".Length..];
    }

    /// <summary>
    /// The component's kustomization: patches of the base's Ingress and of the ConfigMaps holding
    /// <paramref name="links"/> (service, setting, https value).
    /// </summary>
    public static KustomizationFile Kustomization(IReadOnlyList<string> hosts, IEnumerable<(string Service, string Setting, string Value)> links)
    {
        var file = KustomizationFile.Component().Patch("Ingress", EdgeObjects.IngressName,
        [
            Add("/spec/tls", new[] { new Dictionary<string, object> { ["hosts"] = hosts, ["secretName"] = SecretName } }),
            // Redirects (308, so an upload's POST stays a POST) the hosts that have a certificate here. Unlike
            // force-ssl-redirect, which is for TLS ended in front of the ingress, it leaves alone any other host the
            // Ingress serves, which would otherwise be sent to HTTPS and the controller's fake certificate.
            Add(Pointer("metadata", "annotations", "nginx.ingress.kubernetes.io/ssl-redirect"), "true"),
        ]);
        foreach (var service in links.GroupBy(l => l.Service).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            file.Patch("ConfigMap", ServiceWorkloads.ConfigMapName(service.Key),
                [.. service.OrderBy(l => l.Setting, StringComparer.Ordinal).Select(l => Replace(Pointer("data", l.Setting), l.Value))]);
        }

        return file;
    }
}
