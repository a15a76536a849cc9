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

    private RenderedObject? Find(string kind, string name) => _objects.SingleOrDefault(o => o.Kind == kind && o.Name == name);

    public void Dispose() => _copy.Delete(recursive: true);
}
