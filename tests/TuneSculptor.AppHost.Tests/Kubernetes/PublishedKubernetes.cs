using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// The Kubernetes tree the AppHost publishes now (to a temporary folder), with deploy-time secrets made by
/// deploy/make-secrets.sh, and each overlay rendered by <c>kubectl kustomize</c>.
/// </summary>
public sealed class PublishedKubernetes : IAsyncLifetime
{
    public const string Overlay = "overlays/minikube";
    public const string KedaOverlay = "overlays/minikube-keda";

    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("tunesculptor-k8s-");

    public string OutputPath => _output.FullName;

    /// <summary>Generated files by path relative to the output (secrets excluded).</summary>
    public IReadOnlyDictionary<string, string> Files { get; private set; } = new Dictionary<string, string>();

    /// <summary>Rendered overlay → its objects as YAML documents.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RenderedObject>> Rendered { get; private set; } = new Dictionary<string, IReadOnlyList<RenderedObject>>();

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await PublishAsync(OutputPath, cancellationToken);
        Files = ReadTree(OutputPath);
        await Repository.RunAsync("bash", [Repository.PathTo("deploy/make-secrets.sh"), Path.Combine(OutputPath, Overlay)], cancellationToken);
        var rendered = new Dictionary<string, IReadOnlyList<RenderedObject>>();
        foreach (var overlay in new[] { Overlay, KedaOverlay })
        {
            rendered[overlay] = RenderedObject.Split(await Repository.RunAsync("kubectl", ["kustomize", Path.Combine(OutputPath, overlay)], cancellationToken));
        }

        Rendered = rendered;
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
