using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Testing;

/// <summary>
/// An Aspire model started the way CI and container-less machines run it: host processes, a private data folder and
/// free ports, so that several runs can share a machine. Usually the whole AppHost model (<see cref="StartAsync(CancellationToken, string[])"/>);
/// <see cref="SingleServer"/> starts one server of TuneSculptor.Hosting the same way. Nothing goes to the console:
/// every resource's output, and the AppHost's own log, are kept for the failures that quote them.
/// </summary>
public sealed partial class HostProcessSystem : IAsyncDisposable
{
    /// <summary>Every process this run starts inherits this variable: how leftovers are found after shutdown.</summary>
    public const string RunMarkerVariable = "TUNESCULPTOR_TEST_RUN";

    /// <summary>The name <see cref="RecentLogs"/> and <see cref="LogsSince(string, long, int)"/> know the AppHost's own log by.</summary>
    public const string AppHostLog = "apphost";

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private static readonly ConcurrentDictionary<HostProcessSystem, bool> RunningSystems = new();

    private readonly ConcurrentDictionary<string, ResourceLog> _logs;
    private readonly CancellationTokenSource _logWatch = new();
    private Task _start = Task.CompletedTask;
    private Stopwatch _startup = new();

    private HostProcessSystem(DistributedApplication app, string dataRoot, string runId, ConcurrentDictionary<string, ResourceLog> logs)
    {
        App = app;
        DataRoot = dataRoot;
        RunId = runId;
        _logs = logs;
        Resources = SystemResources.Of(app.Services.GetRequiredService<DistributedApplicationModel>().Resources);
    }

    /// <summary>The systems started and not yet disposed, e.g. for a test framework to show their logs with a failure.</summary>
    public static IReadOnlyCollection<HostProcessSystem> Running => [.. RunningSystems.Keys];

    public DistributedApplication App { get; }
    public string DataRoot { get; }
    public string RunId { get; }

    /// <summary>The model's resources by role: what <see cref="WaitForHealthyAsync(CancellationToken)"/> waits for.</summary>
    public SystemResources Resources { get; }

    /// <summary>From the call to start until every resource was first seen healthy.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Builds the AppHost's model and starts it; <see cref="WaitForHealthyAsync(CancellationToken)"/> waits for it.</summary>
    public static Task<HostProcessSystem> StartAsync(CancellationToken cancellationToken, params string[] extraArgs) =>
        StartAsync(configure: null, cancellationToken, extraArgs);

    /// <param name="configure">Changes to the model before it is built, e.g. settings for one service.</param>
    public static Task<HostProcessSystem> StartAsync(
        Action<IDistributedApplicationTestingBuilder>? configure, CancellationToken cancellationToken, params string[] extraArgs) =>
        StartAsync(
            (args, token) => DistributedApplicationTestingBuilder.CreateAsync<Projects.TuneSculptor_AppHost>(
                args, (options, _) => options.DisableDashboard = true, token),
            configure, "tunesculptor-test-", cancellationToken, extraArgs);

    /// <summary>
    /// <see cref="StartAsync(Action{IDistributedApplicationTestingBuilder}?, CancellationToken, string[])"/>, then
    /// <see cref="WaitForHealthyAsync(CancellationToken)"/>: a system that does not get healthy is disposed before the
    /// failure is thrown, so a fixture that fails to start leaves no processes behind.
    /// </summary>
    public static async Task<HostProcessSystem> StartHealthyAsync(
        Action<IDistributedApplicationTestingBuilder>? configure, CancellationToken cancellationToken)
    {
        var system = await StartAsync(configure, cancellationToken);
        try
        {
            await system.WaitForHealthyAsync(cancellationToken);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the model <paramref name="createBuilder"/> makes from the isolated run arguments.</summary>
    internal static async Task<HostProcessSystem> StartAsync(
        Func<string[], CancellationToken, Task<IDistributedApplicationTestingBuilder>> createBuilder,
        Action<IDistributedApplicationTestingBuilder>? configure, string dataRootPrefix, CancellationToken cancellationToken,
        params string[] extraArgs)
    {
        var runId = Guid.NewGuid().ToString("N");
        var dataRoot = Directory.CreateTempSubdirectory(dataRootPrefix).FullName;
        string[] args = [.. HostProcesses.IsolatedRunArguments(dataRoot), .. extraArgs];

        var builder = await createBuilder(args, cancellationToken);
        var logs = new ConcurrentDictionary<string, ResourceLog>();
        builder.Services.AddLogging(logging => logging
            .ClearProviders()
            .AddProvider(new AppHostLogCollector(logs.GetOrAdd(AppHostLog, _ => new ResourceLog())))
            // Resources are unhealthy until they have started, and each failed probe logs a stack trace: they would
            // bury the failure. WaitForHealthyAsync reports what stays unhealthy, and why.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        UsePrivateTempFolders(builder, dataRoot);
        configure?.Invoke(builder);
        var app = await builder.BuildAsync(cancellationToken);
        var system = new HostProcessSystem(app, dataRoot, runId, logs);
        system.WatchLogs();
        RunningSystems[system] = true;

        // DCP, and through it every resource, inherits this process's environment; the variable stays set until
        // the system is disposed (systems start one at a time).
        Environment.SetEnvironmentVariable(RunMarkerVariable, runId);
        // Aspire's StartAsync returns only once every resource has started, that is after all WaitFor dependencies
        // are healthy: it is awaited alongside the health watch, which can fail fast and explain why.
        system._startup = Stopwatch.StartNew();
        system._start = app.StartAsync(cancellationToken);
        return system;
    }

    /// <summary>
    /// Gives every service a temp folder of the run's own (TMPDIR, under the data root), deleted with it. Runs share a
    /// machine, and what a service keeps in /tmp is then theirs alone: a converter starting in another run would
    /// otherwise delete the scratch folder of one this run's fault tests just killed, before this run looks at it.
    /// </summary>
    private static void UsePrivateTempFolders(IDistributedApplicationTestingBuilder builder, string dataRoot)
    {
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            var temp = Directory.CreateDirectory(Path.Combine(dataRoot, "tmp", service.Name)).FullName;
            builder.CreateResourceBuilder(service).WithEnvironment("TMPDIR", temp);
        }
    }

    /// <summary>
    /// Waits until every named resource runs and is healthy, and each named service reaches all of its dependencies.
    /// Fails as soon as one fails to start or exits, with its logs; on timeout, names the stragglers with their
    /// state, health reports and logs.
    /// </summary>
    public async Task WaitForHealthyAsync(IEnumerable<string> resourceNames, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var pending = resourceNames.ToHashSet();
        var lastSeen = new Dictionary<string, CustomResourceSnapshot>();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var watch = WatchUntilHealthyAsync(pending, lastSeen, timeoutSource.Token);
        if (await Task.WhenAny(watch, _start) == _start && _start.IsFaulted)
        {
            await timeoutSource.CancelAsync();
            throw new ResourceFailedException(
                $"The AppHost failed to start: {_start.Exception!.GetBaseException()}\n--- AppHost log:\n{RecentLogs(AppHostLog)}");
        }

        try
        {
            await watch;
            StartupTime = _startup.Elapsed;
            await _start;
            // Aspire's healthy is the services' readiness (200), which a degraded shared dependency passes: tests
            // start once every service also reaches all of its dependencies (connections open, indexes in place).
            foreach (var service in resourceNames.Intersect(Resources.Services))
            {
                await ServiceHealth.WaitUntilAsync(GetHttpEndpoint(service), h => h.ReachesDependencies, timeout - waited.Elapsed, timeoutSource.Token);
            }
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

    public Task WaitForHealthyAsync(CancellationToken cancellationToken) =>
        WaitForHealthyAsync(Resources.All, StartTimeout, cancellationToken);

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

    /// <summary>The resource's recent log lines (stdout and stderr of its process), without stack frames.</summary>
    public string RecentLogs(string resourceName, int maxLines = 40) => LogsSince(resourceName, 0, maxLines);

    /// <summary>How many lines the resource has logged so far, over all its processes: a mark for <see cref="LogsSince(string, long, int)"/>.</summary>
    public long LogMark(string resourceName) => _logs.TryGetValue(resourceName, out var log) ? log.Count : 0;

    /// <summary>The resource's log lines after <paramref name="mark"/> (of those still kept), without stack frames.</summary>
    public string LogsSince(string resourceName, long mark, int maxLines = 2000) =>
        _logs.TryGetValue(resourceName, out var log)
            ? string.Join('\n', log.Since(mark).Where(line => !line.TrimStart().StartsWith("at ", StringComparison.Ordinal)).TakeLast(maxLines))
            : "(no log lines)";

    /// <summary>A mark in every log, the AppHost's included: for <see cref="LogsSince(IReadOnlyDictionary{string, long}, int)"/>.</summary>
    public IReadOnlyDictionary<string, long> LogMarks() => _logs.ToDictionary(log => log.Key, log => log.Value.Count);

    /// <summary>Every log's lines after <paramref name="marks"/> (a log not marked: all it kept), each under its name.</summary>
    public string LogsSince(IReadOnlyDictionary<string, long> marks, int maxLinesPerLog = 300)
    {
        var text = new StringBuilder();
        foreach (var name in _logs.Keys.Order(StringComparer.Ordinal))
        {
            var lines = LogsSince(name, marks.GetValueOrDefault(name), maxLinesPerLog);
            if (lines.Length > 0)
            {
                text.AppendLine($"--- {name}:").AppendLine(lines);
            }
        }

        return text.ToString();
    }

    public Uri GetHttpEndpoint(string resourceName) => App.GetEndpoint(resourceName, "http");

    public async Task<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken) =>
        await App.GetConnectionStringAsync(resourceName, cancellationToken)
        ?? throw new InvalidOperationException($"'{resourceName}' has no connection string.");

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
    public IReadOnlyList<int> ResourceProcessIds() =>
        Resources.All.Select(ProcessIdOf).OfType<int>().ToList();

    /// <summary>The process id of the resource's current process (as Aspire started it), if it runs as one.</summary>
    public int? ProcessIdOf(string resourceName) =>
        App.ResourceNotifications.TryGetCurrentState(resourceName, out var resourceEvent)
        && resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
        && int.TryParse(pid.ToString(), out var id)
            ? id
            : null;

    /// <summary>
    /// The resource's own process. A project runs under <c>dotnet run</c>, which forwards SIGTERM but dies alone on
    /// SIGKILL: the service itself is its child, and that is the process an operator (or the OOM killer) would hit,
    /// and whose memory counts.
    /// </summary>
    public int ServiceProcessId(string resourceName)
    {
        var pid = ProcessIdOf(resourceName) ?? throw new InvalidOperationException($"'{resourceName}' has no process.");
        while (ProcFs.Arguments(pid) is [var program, "run", ..] && Path.GetFileName(program) == "dotnet"
               && ProcFs.ChildrenOf(pid) is [var child])
        {
            pid = child;
        }

        return pid;
    }

    /// <summary>
    /// Sends a signal (e.g. "KILL", "TERM") to the resource's process, as an operator or the OOM killer would, and
    /// waits until it has exited; returns its exit code.
    /// </summary>
    public async Task<int?> SignalAndWaitForExitAsync(string resourceName, string signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pid = ServiceProcessId(resourceName);
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, pid.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync(cancellationToken);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {pid} ('{resourceName}') exited with {kill.ExitCode}.");
        }

        using var exit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        exit.CancelAfter(timeout);
        var exited = await App.ResourceNotifications.WaitForResourceAsync(
            resourceName, e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", exit.Token);
        return exited.Snapshot.ExitCode;
    }

    /// <summary>Starts a stopped (or exited) resource and waits until it and <paramref name="dependants"/> are healthy again.</summary>
    public async Task StartAgainAsync(string resourceName, TimeSpan timeout, CancellationToken cancellationToken, params string[] dependants)
    {
        var commands = App.Services.GetRequiredService<ResourceCommandService>();
        var started = await commands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StartCommand, cancellationToken);
        if (!started.Success)
        {
            throw new InvalidOperationException($"start {resourceName}: {started.Message}\n{RecentLogs(resourceName)}");
        }

        using var recovery = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        recovery.CancelAfter(timeout);
        // The command returns before Aspire's view of the resource leaves the Exited it was stopped in: waiting that
        // stops on an unavailable resource could see that state and give up at once.
        await App.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, WaitBehavior.WaitOnResourceUnavailable, recovery.Token);
        foreach (var dependant in dependants)
        {
            // On the wire first: Aspire's view of a dependant can still be the healthy one from before the outage.
            // Healthy, not just ready (200): a dependant stays ready through the outage, with the check degraded
            // until its connection has recovered.
            await ServiceHealth.WaitUntilAsync(
                GetHttpEndpoint(dependant), h => h.StatusCode == System.Net.HttpStatusCode.OK && h.ReachesDependencies, timeout, recovery.Token);
            await App.ResourceNotifications.WaitForResourceHealthyAsync(dependant, recovery.Token);
        }
    }

    /// <summary>
    /// Stops a resource (Aspire's stop command: SIGTERM), runs <paramref name="whileStopped"/>, then starts it again
    /// and waits until it and <paramref name="dependants"/> are healthy, whatever happened in between; tests that
    /// share a system leave it as they found it.
    /// </summary>
    public async Task WhileStoppedAsync(
        string resourceName, Func<Task> whileStopped, TimeSpan recoveryTimeout, CancellationToken cancellationToken, params string[] dependants)
    {
        try
        {
            await StopAsync(resourceName, cancellationToken);
            await whileStopped();
        }
        finally
        {
            await StartAgainAsync(resourceName, recoveryTimeout, cancellationToken, dependants);
        }
    }

    /// <summary>Stops a resource (Aspire's stop command: SIGTERM) and returns once it has exited.</summary>
    public async Task StopAsync(string resourceName, CancellationToken cancellationToken)
    {
        var commands = App.Services.GetRequiredService<ResourceCommandService>();
        var stopped = await commands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StopCommand, cancellationToken);
        if (stopped.Success)
        {
            return;
        }

        // DCP's stop command gives up after ~12 s, even though the process may exit a moment later.
        using var exit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        exit.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            await App.ResourceNotifications.WaitForResourceAsync(resourceName, e => e.Snapshot.State?.Text is "Exited" or "Finished", exit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"stop {resourceName}: {stopped.Message}, and it still runs 20 s later:\n{RecentLogs(resourceName)}");
        }
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
            RunningSystems.TryRemove(this, out _);
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
                        var lines = _logs.GetOrAdd(update.Resource.Name, _ => new ResourceLog());
                        _ = CollectAsync(loggerService.WatchAsync(update.ResourceId), lines);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The system is being disposed.
            }
        });

        async Task CollectAsync(IAsyncEnumerable<IReadOnlyList<LogLine>> logs, ResourceLog lines)
        {
            try
            {
                await foreach (var batch in logs.WithCancellation(_logWatch.Token))
                {
                    foreach (var line in batch)
                    {
                        // The services' console logger colours its output; a failure message reads better without.
                        lines.Add(TerminalColour().Replace(line.Content, string.Empty));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The system is being disposed.
            }
        }
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex TerminalColour();
}
