using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// The conventions tools rely on: the six recommended labels on every object and pod, headless governing Services
/// for StatefulSets, and every image overridable with kustomize's <c>images:</c>.
/// </summary>
public sealed class KubernetesConventionTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private static readonly string[] RecommendedLabels =
    [
        "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
        "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
    ];

    private IReadOnlyList<RenderedObject> Everything => published.Rendered[PublishedKubernetes.KedaOverlay];

    [Fact]
    public void Every_object_and_pod_carries_the_six_recommended_labels()
    {
        var labelled = Everything.Select(o => (What: $"{o.Kind} {o.Name}", Labels: o.As<ObjectHead>().Metadata.Labels))
            .Concat(Everything.Where(o => o.Kind is "Deployment" or "StatefulSet" or "Job")
                .Select(o => (What: $"pods of {o.Kind} {o.Name}", Labels: PodTemplate(o).Metadata.Labels)))
            .ToList();

        Assert.Contains(labelled, l => l.What.StartsWith("Secret ", StringComparison.Ordinal));
        Assert.Contains(labelled, l => l.What.StartsWith("Namespace ", StringComparison.Ordinal));
        Assert.Contains(labelled, l => l.What.StartsWith("ScaledObject ", StringComparison.Ordinal));
        foreach (var (what, labels) in labelled)
        {
            var missing = RecommendedLabels.Where(label => labels is null || !labels.TryGetValue(label, out var value) || string.IsNullOrEmpty(value)).ToList();
            Assert.True(missing.Count == 0, $"{what} lacks {string.Join(", ", missing)}");
            Assert.Equal("tunesculptor", labels!["app.kubernetes.io/part-of"]);
            Assert.Equal("tunesculptor", labels["app.kubernetes.io/instance"]);
            Assert.Equal("kustomize", labels["app.kubernetes.io/managed-by"]);
        }
    }

    [Fact]
    public void A_workloads_version_label_is_the_tag_of_the_image_it_runs()
    {
        foreach (var workload in Everything.Where(o => o.Kind is "Deployment" or "StatefulSet"))
        {
            var template = PodTemplate(workload);
            var image = template.Spec.Containers.Single().Image;
            Assert.Equal(image[(image.LastIndexOf(':') + 1)..], template.Metadata.Labels["app.kubernetes.io/version"]);
            Assert.Equal(template.Metadata.Labels["app.kubernetes.io/version"], workload.As<ObjectHead>().Metadata.Labels["app.kubernetes.io/version"]);
        }
    }

    [Fact]
    public void Every_StatefulSet_is_governed_by_a_headless_Service_selecting_its_pods()
    {
        var services = Everything.Where(o => o.Kind == "Service").Select(o => o.As<V1Service>()).ToDictionary(s => s.Metadata.Name);
        var sets = Everything.Where(o => o.Kind == "StatefulSet").Select(o => o.As<V1StatefulSet>()).ToList();

        Assert.Equal(3, sets.Count);
        foreach (var set in sets)
        {
            Assert.True(services.TryGetValue(set.Spec.ServiceName, out var governing), $"StatefulSet {set.Metadata.Name}: no Service '{set.Spec.ServiceName}'");
            Assert.Equal("None", governing.Spec.ClusterIP);
            Assert.All(governing.Spec.Selector, label => Assert.Equal(label.Value, set.Spec.Template.Metadata.Labels[label.Key]));
            Assert.NotEmpty(governing.Spec.Selector);
        }
    }

    [Fact]
    public async Task An_overlay_with_kustomize_images_moves_every_image_to_another_registry_and_tag()
    {
        var images = Containers(Everything).Select(c => c.Image).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(images.Count >= 8, string.Join(", ", images));

        // A user's own overlay on top of the published one: no published file is edited.
        var overlay = Path.Combine(published.OutputPath, "overlays", "registry-test");
        Directory.CreateDirectory(overlay);
        var entries = images.Select(image => image[..image.LastIndexOf(':')])
            .Select(name => $"- name: {name}\n  newName: registry.example.test/mirror/{name[(name.LastIndexOf('/') + 1)..]}\n  newTag: 9.9.9-test\n");
        await File.WriteAllTextAsync(Path.Combine(overlay, "kustomization.yaml"),
            $"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../minikube-keda\nimages:\n{string.Concat(entries)}",
            TestContext.Current.CancellationToken);

        var moved = RenderedObject.Split(await Repository.RunAsync("kubectl", ["kustomize", overlay], TestContext.Current.CancellationToken));

        var containers = Containers(moved).ToList();
        Assert.Equal(Containers(Everything).Count(), containers.Count);
        Assert.All(containers, c => Assert.Matches(@"^registry\.example\.test/mirror/[a-z0-9-]+:9\.9\.9-test$", c.Image));
    }

    private static V1PodTemplateSpec PodTemplate(RenderedObject workload) => workload.Kind switch
    {
        "Deployment" => workload.As<V1Deployment>().Spec.Template,
        "StatefulSet" => workload.As<V1StatefulSet>().Spec.Template,
        _ => workload.As<V1Job>().Spec.Template,
    };

    /// <summary>Every container and init container of every workload.</summary>
    private static IEnumerable<V1Container> Containers(IEnumerable<RenderedObject> objects) =>
        objects.Where(o => o.Kind is "Deployment" or "StatefulSet" or "Job")
            .Select(o => PodTemplate(o).Spec)
            .SelectMany(pod => pod.Containers.Concat(pod.InitContainers ?? []));
}
