using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// The Kubernetes tree the AppHost publishes now (to a temporary folder), with deploy-time secrets made by
/// deploy/make-secrets.sh, and rendered by <c>kubectl kustomize</c>: each overlay, and each overlay with each
/// combination of the components no overlay includes (as a user's own overlay adds them).
/// </summary>
public sealed class PublishedKubernetes : IAsyncLifetime
{
    public const string Overlay = "overlays/minikube";
    public const string KedaOverlay = "overlays/minikube-keda";
    public const string ManagementComponent = "rabbitmq-management";

    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("tunesculptor-k8s-");

    public string OutputPath => _output.FullName;

    /// <summary>Generated files by path relative to the output (secrets excluded).</summary>
    public IReadOnlyDictionary<string, string> Files { get; private set; } = new Dictionary<string, string>();

    /// <summary>
    /// Rendered overlay → its objects as YAML documents; an overlay with opt-in components is named
    /// <c>overlay+component…</c> (e.g. <see cref="WithComponents"/>(<see cref="Overlay"/>, <see cref="ManagementComponent"/>)).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RenderedObject>> Rendered { get; private set; } = new Dictionary<string, IReadOnlyList<RenderedObject>>();

    /// <summary>The components no published overlay includes.</summary>
    public IReadOnlyList<string> OptInComponents { get; private set; } = [];

    public static string WithComponents(string overlay, params string[] components) => string.Join('+', [overlay, .. components]);

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await PublishAsync(OutputPath, cancellationToken);
        Files = ReadTree(OutputPath);
        await Repository.RunAsync("bash", [Repository.PathTo("deploy/make-secrets.sh"), Path.Combine(OutputPath, Overlay)], cancellationToken);
        OptInComponents = Files.Keys
            .Where(path => path.StartsWith("components/", StringComparison.Ordinal) && path.EndsWith("/kustomization.yaml", StringComparison.Ordinal))
            .Select(path => path.Split('/')[1])
            .Where(component => !Files.Any(f => f.Key.StartsWith("overlays/", StringComparison.Ordinal) && f.Value.Contains($"components/{component}\n", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var rendered = new Dictionary<string, IReadOnlyList<RenderedObject>>();
        foreach (var overlay in new[] { Overlay, KedaOverlay })
        {
            // Every subset of the opt-in components, the empty one (the overlay as published) included.
            for (var subset = 0; subset < 1 << OptInComponents.Count; subset++)
            {
                var components = OptInComponents.Where((_, i) => (subset & (1 << i)) != 0).ToArray();
                var name = WithComponents(overlay, components);
                var folder = components.Length == 0 ? overlay : await UserOverlayAsync(overlay, components, cancellationToken);
                rendered[name] = RenderedObject.Split(await Repository.RunAsync("kubectl", ["kustomize", Path.Combine(OutputPath, folder)], cancellationToken));
            }
        }

        Rendered = rendered;
    }

    /// <summary>An overlay of a user's own: a published overlay plus components (the README's way to add the management UI).</summary>
    private async Task<string> UserOverlayAsync(string overlay, string[] components, CancellationToken cancellationToken)
    {
        var folder = $"overlays/test-{Path.GetFileName(overlay)}-{string.Join('-', components)}";
        Directory.CreateDirectory(Path.Combine(OutputPath, folder));
        await File.WriteAllTextAsync(Path.Combine(OutputPath, folder, "kustomization.yaml"),
            $"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../{Path.GetFileName(overlay)}\ncomponents:\n" +
            string.Concat(components.Select(c => $"- ../../components/{c}\n")), cancellationToken);
        return folder;
    }

    public static Task PublishAsync(string outputPath, CancellationToken cancellationToken) =>
        Repository.PublishAsync(cancellationToken, "--operation", "publish", "--step", "publish-kubernetes", "--output-path", outputPath);

    /// <summary>Every generated file under <paramref name="root"/>, the deploy-time secrets left out.</summary>
    public static Dictionary<string, string> ReadTree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Contains("secrets"))
            .ToDictionary(path => path, path => File.ReadAllText(Path.Combine(root, path)));

    public ValueTask DisposeAsync()
    {
        _output.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }
}
