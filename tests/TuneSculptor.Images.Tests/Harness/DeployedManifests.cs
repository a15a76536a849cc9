using System.Text;
using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.Images.Tests.Harness;

/// <summary>
/// The committed Kubernetes tree (deploy/k8s, which the AppHost tests keep equal to what the model publishes), copied
/// to a temporary folder, given deploy-time secrets by deploy/make-secrets.sh and rendered by <c>kubectl kustomize</c>
/// as users apply it.
/// </summary>
public sealed class DeployedManifests : IDisposable
{
    public const string Overlay = "overlays/minikube";

    private readonly DirectoryInfo _copy;
    private readonly IReadOnlyList<RenderedObject> _objects;

    private DeployedManifests(DirectoryInfo copy, IReadOnlyList<RenderedObject> objects)
    {
        _copy = copy;
        _objects = objects;
    }

    public static async Task<DeployedManifests> RenderAsync(CancellationToken cancellationToken)
    {
        var copy = Directory.CreateTempSubdirectory("tunesculptor-images-k8s-");
        try
        {
            await Repository.RunAsync("cp", ["-r", Repository.PathTo("deploy/k8s/."), copy.FullName], cancellationToken);
            var overlay = Path.Combine(copy.FullName, Overlay);
            await Repository.RunAsync("bash", [Repository.PathTo("deploy/make-secrets.sh"), overlay], cancellationToken);
            var yaml = await Repository.RunAsync("kubectl", ["kustomize", overlay], cancellationToken);
            return new DeployedManifests(copy, RenderedObject.Split(yaml));
        }
        catch
        {
            copy.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>The pod template of the Deployment or StatefulSet <paramref name="name"/>, and its one container.</summary>
    public (V1PodSpec Pod, V1Container Container) Workload(string name)
    {
        var pod = Find("Deployment", name) is { } deployment
            ? deployment.As<V1Deployment>().Spec.Template.Spec
            : (Find("StatefulSet", name) ?? throw new InvalidOperationException($"No Deployment or StatefulSet '{name}' in {Overlay}."))
                .As<V1StatefulSet>().Spec.Template.Spec;
        return (pod, pod.Containers.Single());
    }

    public V1ConfigMap ConfigMap(string name) =>
        (Find("ConfigMap", name) ?? throw new InvalidOperationException($"No ConfigMap '{name}' in {Overlay}.")).As<V1ConfigMap>();

    public string SecretValue(string name, string key)
    {
        var secret = (Find("Secret", name) ?? throw new InvalidOperationException($"No Secret '{name}' in {Overlay}.")).As<V1Secret>();
        return secret.Data?.TryGetValue(key, out var value) == true
            ? Encoding.UTF8.GetString(value)
            : throw new InvalidOperationException($"Secret '{name}' has no key '{key}'.");
    }

    /// <summary>A Secret's value by the name it has before kustomize's hash suffix (e.g. <c>rabbitmq-keda</c>).</summary>
    public string GeneratedSecretValue(string name, string key) =>
        SecretValue(_objects.Single(o => o.Kind == "Secret" && o.Name.StartsWith($"{name}-", StringComparison.Ordinal) && o.Name.Length == name.Length + 11).Name, key);

    /// <summary>A deploy-time secret file that is no Secret (make-secrets.sh keeps the admin passwords there only).</summary>
    public string SecretFile(string name) => File.ReadAllText(Path.Combine(_copy.FullName, Overlay, "secrets", name, "value"));

    /// <summary>
    /// Writes the files a ConfigMap or Secret volume holds into a folder of the copy, readable by any user as the
    /// kubelet's default mode makes them, and returns it; null for a volume of another kind.
    /// </summary>
    public string? WriteVolume(string workload, V1Volume volume)
    {
        var data = volume switch
        {
            { ConfigMap: { } configMap } => ConfigMap(configMap.Name).Data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)),
            { Secret: { } secret } => (Find("Secret", secret.SecretName) ?? throw new InvalidOperationException($"No Secret '{secret.SecretName}' in {Overlay}."))
                .As<V1Secret>().Data.ToDictionary(d => d.Key, d => d.Value),
            _ => null,
        };
        if (data is null)
        {
            return null;
        }

        var folder = Directory.CreateDirectory(Path.Combine(_copy.FullName, "volumes", workload, volume.Name));
        folder.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                              | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        foreach (var (key, value) in data)
        {
            var file = Path.Combine(folder.FullName, key);
            File.WriteAllBytes(file, value);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        return folder.FullName;
    }

    private RenderedObject? Find(string kind, string name) => _objects.SingleOrDefault(o => o.Kind == kind && o.Name == name);

    public void Dispose() => _copy.Delete(recursive: true);
}
