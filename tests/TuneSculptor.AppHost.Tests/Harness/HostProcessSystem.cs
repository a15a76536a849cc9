using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TuneSculptor.AppHost.Infrastructure;

namespace TuneSculptor.AppHost.Tests.Harness;

/// <summary>
/// The whole AppHost model, started the way CI and container-less machines run it: host processes, a private data
/// folder and free ports, so that several runs can share a machine.
/// </summary>
public sealed class HostProcessSystem : IAsyncDisposable
{
    public static readonly string[] InfrastructureResources = ["mysql", "authdb", "mongodb", "media", "rabbitmq", "mail"];
    public static readonly string[] ServiceResources = ["auth", "gateway", "converter", "notification"];
    public static readonly string[] AllResources = [.. InfrastructureResources, .. ServiceResources];

    /// <summary>Every process this run starts inherits this variable: how leftovers are found after shutdown.</summary>
    public const string RunMarkerVariable = "TUNESCULPTOR_TEST_RUN";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new();
    private readonly CancellationTokenSource _logWatch = new();
    private Task _start = Task.CompletedTask;
    private Stopwatch _startup = new();

    private HostProcessSystem(DistributedApplication app, string dataRoot, string runId)
    {
        App = app;
        DataRoot = dataRoot;
        RunId = runId;
    }

    public DistributedApplication App { get; }
    public string DataRoot { get; }
    public string RunId { get; }
    /// <summary>From the call to start until every resource was first seen healthy.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Builds the model and starts it; <see cref="WaitForHealthyAsync(CancellationToken)"/> waits for it.</summary>
    public static Task<HostProcessSystem> StartAsync(CancellationToken cancellationToken, params string[] extraArgs) =>
        StartAsync(configure: null, cancellationToken, extraArgs);

    /// <param name="configure">Changes to the model before it is built, e.g. settings for one service.</param>
    public static async Task<HostProcessSystem> StartAsync(
        Action<IDistributedApplicationTestingBuilder>? configure, CancellationToken cancellationToken, params string[] extraArgs)
    {
        var runId = Guid.NewGuid().ToString("N");
        var dataRoot = Directory.CreateTempSubdirectory("tunesculptor-test-").FullName;
        string[] args =
        [
            $"--{InfrastructureRuntimeSelection.ConfigurationKey}=host-processes",
            $"--{HostProcesses.DataRootKey}={dataRoot}",
            "--GATEWAY_PORT=0",
            "--RABBITMQ_MANAGEMENT_PORT=0",
            "--MAIL_UI_PORT=0",
            .. extraArgs,
        ];

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TuneSculptor_AppHost>(
            args, (options, _) => options.DisableDashboard = true, cancellationToken);
        configure?.Invoke(builder);
        var app = await builder.BuildAsync(cancellationToken);
        var system = new HostProcessSystem(app, dataRoot, runId);
        system.WatchLogs();

        // DCP, and through it every resource, inherits this process's environment; the variable stays set until
        // the system is disposed (tests run one at a time).
        Environment.SetEnvironmentVariable(RunMarkerVariable, runId);
        // Aspire's StartAsync returns only once every resource has started, that is after all WaitFor dependencies
        // are healthy: it is awaited alongside the health watch, which can fail fast and explain why.
        system._startup = Stopwatch.StartNew();
        system._start = app.StartAsync(cancellationToken);
        return system;
    }

    /// <summary>
    /// Waits until every named resource runs and is healthy. Fails as soon as one fails to start or exits, with its
    /// logs; on timeout, names the stragglers with their state, health reports and logs.
    /// </summary>
    public async Task WaitForHealthyAsync(IEnumerable<string> resourceNames, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = resourceNames.ToHashSet();
        var lastSeen = new Dictionary<string, CustomResourceSnapshot>();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var watch = WatchUntilHealthyAsync(pending, lastSeen, timeoutSource.Token);
        if (await Task.WhenAny(watch, _start) == _start && _start.IsFaulted)
        {
            await timeoutSource.CancelAsync();
            throw new ResourceFailedException($"The AppHost failed to start: {_start.Exception!.GetBaseException()}");
        }

        try
        {
            await watch;
            StartupTime = _startup.Elapsed;
            await _start;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var report = new StringBuilder($"Not healthy after {timeout.TotalSeconds:0} s: {string.Join(", ", pending)}.\n");
            foreach (var name in pending)
            {
                report.AppendLine(Describe(name, lastSeen.GetValueOrDefault(name)));
            }

            throw new TimeoutException(report.ToString());
        }
    }

    private async Task WatchUntilHealthyAsync(
        HashSet<string> pending, Dictionary<string, CustomResourceSnapshot> lastSeen, CancellationToken cancellationToken)
    {
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            var name = update.Resource.Name;
            if (!pending.Contains(name))
            {
                continue;
            }

            lastSeen[name] = update.Snapshot;
            var state = update.Snapshot.State?.Text;
            if (state == KnownResourceStates.FailedToStart || state == KnownResourceStates.Exited
                || state == KnownResourceStates.Finished || state == KnownResourceStates.RuntimeUnhealthy)
            {
                // Its last lines are usually the reason; they stream in just after the state change.
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                throw new ResourceFailedException(
                    $"Resource '{name}' is {state} (exit code {update.Snapshot.ExitCode?.ToString() ?? "none"}) " +
                    $"{_startup.Elapsed.TotalSeconds:0.0} s after start.\n{Describe(name, update.Snapshot)}");
            }

            if (state == KnownResourceStates.Running && update.Snapshot.HealthStatus == HealthStatus.Healthy)
            {
                pending.Remove(name);
                if (pending.Count == 0)
                {
                    return;
                }
            }
        }
    }

    public Task WaitForHealthyAsync(CancellationToken cancellationToken) =>
        WaitForHealthyAsync(AllResources, StartTimeout, cancellationToken);

    /// <summary>The resource's recent log lines (stdout and stderr of its process), without stack frames.</summary>
    public string RecentLogs(string resourceName, int maxLines = 40) =>
        _logs.TryGetValue(resourceName, out var lines)
            ? string.Join('\n', lines.Where(line => !line.TrimStart().StartsWith("at ", StringComparison.Ordinal)).TakeLast(maxLines))
            : "(no log lines)";

    public Uri GetHttpEndpoint(string resourceName) => App.GetEndpoint(resourceName, "http");

    /// <summary>The value a parameter resource (e.g. a generated secret) has in this run.</summary>
    public async Task<string> GetParameterValueAsync(string parameterName, CancellationToken cancellationToken)
    {
        var parameter = App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ParameterResource>()
            .Single(p => p.Name == parameterName);
        return await parameter.GetValueAsync(cancellationToken)
               ?? throw new InvalidOperationException($"Parameter '{parameterName}' has no value.");
    }

    /// <summary>Sets an environment variable of a service before the model is built (see <c>StartAsync</c>).</summary>
    public static void SetServiceEnvironment(IDistributedApplicationTestingBuilder builder, string service, string name, string value) =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(p => p.Name == service))
            .WithEnvironment(name, value);

    /// <summary>Process ids of every resource that runs as a process (services and host-process servers).</summary>
    public IReadOnlyList<int> ResourceProcessIds()
    {
        var ids = new List<int>();
        foreach (var name in AllResources)
        {
            if (App.ResourceNotifications.TryGetCurrentState(name, out var resourceEvent)
                && resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
                && int.TryParse(pid.ToString(), out var id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable(RunMarkerVariable, null);
            await _logWatch.CancelAsync();
            _logWatch.Dispose();
            try
            {
                Directory.Delete(DataRoot, recursive: true);
            }
            catch (IOException)
            {
                // A process that was killed a moment ago may still hold a file; the folder is under /tmp anyway.
            }
        }
    }

    private string Describe(string name, CustomResourceSnapshot? snapshot)
    {
        var text = new StringBuilder($"--- {name}: state {snapshot?.State?.Text ?? "unknown"}, health {snapshot?.HealthStatus?.ToString() ?? "none"}\n");
        foreach (var report in snapshot?.HealthReports ?? [])
        {
            text.AppendLine($"    check {report.Name}: {report.Status} {report.Description} {report.ExceptionText?.Split('\n')[0]}");
        }

        text.AppendLine("    logs:");
        text.AppendLine(RecentLogs(name));
        return text.ToString();
    }

    /// <summary>
    /// Collects every resource's log lines from the start. Logs are kept per process (the DCP instance name, known
    /// once the resource appears), so a watcher starts for each instance as it is first seen.
    /// </summary>
    private void WatchLogs()
    {
        var loggerService = App.Services.GetRequiredService<ResourceLoggerService>();
        var watched = new ConcurrentDictionary<string, bool>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in App.ResourceNotifications.WatchAsync(_logWatch.Token))
                {
                    if (watched.TryAdd(update.ResourceId, true))
                    {
                        var lines = _logs.GetOrAdd(update.Resource.Name, _ => new ConcurrentQueue<string>());
                        _ = CollectAsync(loggerService.WatchAsync(update.ResourceId), lines);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The system is being disposed.
            }
        });

        async Task CollectAsync(IAsyncEnumerable<IReadOnlyList<LogLine>> logs, ConcurrentQueue<string> lines)
        {
            try
            {
                await foreach (var batch in logs.WithCancellation(_logWatch.Token))
                {
                    foreach (var line in batch)
                    {
                        lines.Enqueue(line.Content);
                        while (lines.Count > 2000 && lines.TryDequeue(out _))
                        {
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The system is being disposed.
            }
        }
    }
}

public sealed class ResourceFailedException(string message) : Exception(message);
