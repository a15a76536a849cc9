using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TuneSculptor.Testing;

namespace TuneSculptor.Images.Tests.Harness;

/// <summary>
/// The four service images run under podman as the published Kubernetes manifests run them (deploy/k8s, minikube
/// overlay, secrets from deploy/make-secrets.sh): each workload is one container on a network private to the run,
/// at a fixed address that every container knows by the manifests' Service names (what cluster DNS gives a pod),
/// so connection strings stay as published. Service containers get their Deployment's environment, security context,
/// limits and emptyDir mounts. Backing servers are this repository's images (eng/images/build.sh) given their
/// StatefulSet's environment, except MongoDB: the stand-in has no authentication or replica set, so it runs bare and
/// the services' <c>ConnectionStrings__media</c> is the one value replaced. Disposing removes every container, volume
/// and the network, and fails when any of them, or a process of them, is left.
/// </summary>
public sealed class ImageDeployment : IAsyncLifetime
{
    public static readonly string[] Services = ["auth", "gateway", "converter", "notification"];

    // Backing workload → eng/images/build.sh kind.
    private static readonly Dictionary<string, string> BackingKinds = new()
    {
        ["mysql"] = "mariadb",
        ["rabbitmq"] = "rabbitmq",
        ["mongodb"] = "mongo-standin",
        ["mail"] = "smtp4dev",
    };

    // What each backing server listens on, waited for before the services start.
    private static readonly Dictionary<string, int> BackingPorts = new() { ["mysql"] = 3306, ["rabbitmq"] = 5672, ["mongodb"] = 27017, ["mail"] = 25 };

    private const string StandInConnectionString = "mongodb://mongodb-0.mongodb:27017/media?directConnection=true";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    private readonly string _run = $"tunesculptor-images-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly Dictionary<string, string> _containers = new();
    private readonly Dictionary<string, IPAddress> _addresses = new();
    private readonly StringBuilder _description = new();
    private DeployedManifests? _manifests;
    private bool _networkCreated;

    public DeployedManifests Manifests => _manifests ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Which images ran (ids, the base they were built on), for the test output.</summary>
    public string Description => _description.ToString();

    /// <summary>The podman container running workload <paramref name="name"/>.</summary>
    public string Container(string name) => _containers[name];

    public Uri HttpAddress(string name, int port = 8080) => new($"http://{_addresses[name]}:{port}");

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            await StartAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            var logs = await LogsAsync();
            await RemoveAsync();
            throw new InvalidOperationException($"The images could not be started as deployed: {exception.Message}\n{Description}{logs}", exception);
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var serviceImages = await BuildAsync("eng/images/services.sh", [], cancellationToken);
        var backingImages = (await BuildAsync("eng/images/build.sh", [.. BackingKinds.Values], cancellationToken))
            .Zip(BackingKinds.Keys, (image, workload) => (image, workload))
            .ToDictionary(x => x.workload, x => x.image);
        _manifests = await DeployedManifests.RenderAsync(cancellationToken);

        await Podman.RunAsync(cancellationToken, "network", "create", "--label", $"org.tunesculptor.run={_run}", _run);
        _networkCreated = true;
        var subnet = await Podman.RunAsync(cancellationToken, "network", "inspect", "--format", "{{range .Subnets}}{{.Subnet}}{{end}}", _run);
        var prefix = IPNetwork.Parse(subnet).BaseAddress.GetAddressBytes();
        var workloads = BackingKinds.Keys.Concat(Services).ToList();
        for (var i = 0; i < workloads.Count; i++)
        {
            var address = (byte[])prefix.Clone();
            address[3] = (byte)(10 + i);
            _addresses[workloads[i]] = new IPAddress(address);
        }

        _description.AppendLine($"run {_run} on network {_run} ({subnet}); manifests: deploy/k8s/{DeployedManifests.Overlay}");
        foreach (var (workload, image) in backingImages)
        {
            await StartBackingServerAsync(workload, image, cancellationToken);
        }

        foreach (var (workload, port) in BackingPorts)
        {
            await WaitForPortAsync(workload, port, cancellationToken);
        }

        foreach (var service in Services)
        {
            await StartServiceAsync(service, serviceImages, cancellationToken);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var service in Services)
        {
            await WaitForReadyAsync(http, service, cancellationToken);
        }
    }

    private static async Task<string[]> BuildAsync(string script, string[] arguments, CancellationToken cancellationToken) =>
        (await Repository.RunAsync("bash", [Repository.PathTo(script), .. arguments], cancellationToken))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task StartBackingServerAsync(string workload, string image, CancellationToken cancellationToken)
    {
        var environment = workload == "mongodb"
            ? new Dictionary<string, string>()
            : KubernetesEnvironment.Of(Manifests.Workload(workload).Container, Manifests);
        List<string> mounts = workload == "mongodb" ? [] : ConfigurationMounts(workload);
        await RunContainerAsync(workload, image, mounts, environment, cancellationToken);
        _description.AppendLine($"{workload}: {image} ({await ImageIdAsync(image, cancellationToken)})");
    }

    /// <summary>
    /// The StatefulSet's ConfigMap and Secret volumes (RabbitMQ's configuration and definitions), mounted read-only
    /// where the manifest mounts them, a single file for a subPath; its data volume is the image's own.
    /// </summary>
    private List<string> ConfigurationMounts(string workload)
    {
        var (pod, container) = Manifests.Workload(workload);
        var mounts = new List<string>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (pod.Volumes?.SingleOrDefault(v => v.Name == mount.Name) is { } volume && Manifests.WriteVolume(workload, volume) is { } folder)
            {
                var source = mount.SubPath is { Length: > 0 } file ? Path.Combine(folder, file) : folder;
                mounts.Add($"--volume={source}:{mount.MountPath}:ro");
            }
        }

        return mounts;
    }

    private async Task StartServiceAsync(string service, string[] builtImages, CancellationToken cancellationToken)
    {
        var (pod, container) = Manifests.Workload(service);
        // The manifests name images as Docker does; podman keeps the same names under localhost/.
        var image = $"localhost/{container.Image}";
        if (!builtImages.Contains(image))
        {
            throw new InvalidOperationException($"{service}: the manifest runs {container.Image}, which eng/images/services.sh did not build ({string.Join(", ", builtImages)}).");
        }

        PodmanRunOptions.RequireNonRootUser(pod, container, await Podman.InspectAsync(image, "{{.Config.User}}", cancellationToken));
        var environment = KubernetesEnvironment.Of(container, Manifests);
        if (environment.ContainsKey("ConnectionStrings__media"))
        {
            environment["ConnectionStrings__media"] = StandInConnectionString;
        }

        await RunContainerAsync(service, image, PodmanRunOptions.For(pod, container), environment, cancellationToken);
        var baseName = await Podman.InspectAsync(image, "{{index .Config.Labels \"org.opencontainers.image.base.name\"}}", cancellationToken);
        _description.AppendLine($"{service}: {image} ({await ImageIdAsync(image, cancellationToken)}), built on {baseName}");
    }

    private async Task RunContainerAsync(
        string workload, string image, IEnumerable<string> options, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var name = $"{_run}-{workload}";
        List<string> arguments = ["run", "--detach", "--name", name, "--label", $"org.tunesculptor.run={_run}",
            "--network", _run, "--ip", _addresses[workload].ToString(), "--hostname", workload, .. options];
        foreach (var host in ServiceHostNames())
        {
            arguments.Add($"--add-host={host.Name}:{host.Address}");
        }

        foreach (var (variable, value) in environment)
        {
            arguments.AddRange(["--env", $"{variable}={value}"]);
        }

        arguments.Add(image);
        _containers[workload] = name;
        await Podman.RunAsync(cancellationToken, [.. arguments]);
    }

    // The names cluster DNS would answer in the namespace: each Service, and the StatefulSet pods of headless mongodb.
    private IEnumerable<(string Name, IPAddress Address)> ServiceHostNames()
    {
        foreach (var (workload, address) in _addresses)
        {
            yield return (workload, address);
        }

        for (var member = 0; member < 3; member++)
        {
            yield return ($"mongodb-{member}.mongodb", _addresses["mongodb"]);
        }
    }

    private static async Task<string> ImageIdAsync(string image, CancellationToken cancellationToken) =>
        (await Podman.InspectAsync(image, "{{.Id}}", cancellationToken))[..12];

    private async Task WaitForPortAsync(string workload, int port, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(_addresses[workload], port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await RequireRunningAsync(workload, cancellationToken);
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Waits for <c>/health</c> to answer 200 (the Kubernetes readiness probe's condition) with every check healthy:
    /// a service is ready while a shared dependency is down (degraded), and here each must reach all of them.
    /// </summary>
    private async Task WaitForReadyAsync(HttpClient http, string service, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(HttpAddress(service), "/health"), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                last = $"{(int)response.StatusCode} {body}";
                if (response.StatusCode == HttpStatusCode.OK
                    && JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() == "Healthy")
                {
                    return;
                }
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }

            await RequireRunningAsync(service, cancellationToken);
            await Task.Delay(500, cancellationToken);
        }

        throw new TimeoutException($"{service} not ready after {ReadyTimeout.TotalSeconds:0} s: {last}");
    }

    private async Task RequireRunningAsync(string workload, CancellationToken cancellationToken)
    {
        var state = await Podman.InspectAsync(_containers[workload], "{{.State.Status}} {{.State.ExitCode}}", cancellationToken);
        if (!state.StartsWith("running", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{workload} is not running ({state}).");
        }
    }

    private async Task<string> LogsAsync()
    {
        var logs = new StringBuilder();
        foreach (var (workload, container) in _containers)
        {
            var (_, output, error) = await Podman.TryAsync(CancellationToken.None, "logs", "--tail", "40", container);
            logs.AppendLine($"--- {workload} ({container}), last lines:").AppendLine(output).AppendLine(error);
        }

        return logs.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        var leftovers = await RemoveAsync();
        if (leftovers.Count > 0)
        {
            throw new InvalidOperationException($"Left behind by run {_run}: {string.Join("; ", leftovers)}");
        }
    }

    /// <summary>Stops and removes everything of the run; returns what is still there afterwards.</summary>
    private async Task<List<string>> RemoveAsync()
    {
        var ids = new List<string>();
        var volumes = new List<string>();
        foreach (var container in _containers.Values)
        {
            var (exitCode, output, _) = await Podman.TryAsync(CancellationToken.None, "inspect", "--format",
                "{{.Id}}{{range .Mounts}}{{if eq .Type \"volume\"}} {{.Name}}{{end}}{{end}}", container);
            if (exitCode == 0)
            {
                var fields = output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                ids.Add(fields[0]);
                volumes.AddRange(fields[1..]);
            }
        }

        var problems = new List<string>();
        if (_containers.Count > 0)
        {
            // SIGTERM first, as Kubernetes stops a pod; --volumes takes the images' anonymous volumes with them.
            var (exitCode, _, error) = await Podman.TryAsync(CancellationToken.None,
                ["rm", "--force", "--volumes", "--time", "10", .. _containers.Values]);
            if (exitCode != 0)
            {
                problems.Add($"podman rm failed: {error.Trim()}");
            }
        }

        if (_networkCreated)
        {
            var (exitCode, _, error) = await Podman.TryAsync(CancellationToken.None, "network", "rm", _run);
            if (exitCode != 0)
            {
                problems.Add($"podman network rm failed: {error.Trim()}");
            }
        }

        _manifests?.Dispose();
        problems.AddRange(await LeftoversAsync(ids, volumes));
        // A failed start already removed everything; xunit still disposes the fixture.
        _manifests = null;
        _containers.Clear();
        _networkCreated = false;
        return problems;
    }

    private async Task<List<string>> LeftoversAsync(List<string> containerIds, List<string> volumes)
    {
        var leftovers = new List<string>();
        var containers = (await Podman.RunAsync(CancellationToken.None, "ps", "--all", "--quiet", "--filter", $"label=org.tunesculptor.run={_run}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        leftovers.AddRange(containers.Select(id => $"container {id}"));
        foreach (var volume in volumes)
        {
            var (exitCode, _, _) = await Podman.TryAsync(CancellationToken.None, "volume", "exists", volume);
            if (exitCode == 0)
            {
                leftovers.Add($"volume {volume}");
            }
        }

        var (networkExists, _, _) = await Podman.TryAsync(CancellationToken.None, "network", "exists", _run);
        if (_networkCreated && networkExists == 0)
        {
            leftovers.Add($"network {_run}");
        }

        // conmon and the containers' processes name the container id on their command lines.
        foreach (var pid in Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!)))
        {
            var commandLine = ProcFs.IsAlive(pid) ? ProcFs.CommandLine(pid) : string.Empty;
            if (containerIds.Any(id => commandLine.Contains(id, StringComparison.Ordinal)))
            {
                leftovers.Add($"process {pid} ({commandLine})");
            }
        }

        return leftovers;
    }
}
