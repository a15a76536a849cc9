using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Bench;

/// <summary>
/// The whole AppHost model, started as the system tests start it: infrastructure as host processes, a private data
/// folder, free ports, no dashboard.
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private static readonly string[] Resources =
        ["mysql", "authdb", "mongodb", "media", "rabbitmq", "mail", "auth", "gateway", "converter", "notification"];

    private readonly DistributedApplication _app;
    private readonly string _dataRoot;

    private BenchSystem(DistributedApplication app, string dataRoot)
    {
        _app = app;
        _dataRoot = dataRoot;
    }

    public TimeSpan StartupTime { get; private set; }

    public static async Task<BenchSystem> StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var dataRoot = Directory.CreateTempSubdirectory("tunesculptor-bench-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TuneSculptor_AppHost>(
            HostProcesses.IsolatedRunArguments(dataRoot), (options, _) => options.DisableDashboard = true, cancellationToken);
        // Only errors reach the console (the table is the output). Failing health checks are how Aspire waits for a
        // resource to come up, and the resources' own output (stderr counts as errors) is theirs: both stay out.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Error)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("TuneSculptor.AppHost.Resources", LogLevel.None));
        var app = await builder.BuildAsync(cancellationToken);
        var system = new BenchSystem(app, dataRoot);

        var stopwatch = Stopwatch.StartNew();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await app.StartAsync(timeoutSource.Token);
            foreach (var name in Resources)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeoutSource.Token);
            }
        }
        catch (Exception ex)
        {
            var states = string.Join(", ", Resources.Select(name =>
                app.ResourceNotifications.TryGetCurrentState(name, out var state)
                    ? $"{name}: {state.Snapshot.State?.Text} {state.Snapshot.HealthStatus}"
                    : $"{name}: unknown"));
            await system.DisposeAsync();
            throw new InvalidOperationException($"The system did not become healthy within {timeout.TotalSeconds:0} s ({states}).", ex);
        }

        system.StartupTime = stopwatch.Elapsed;
        return system;
    }

    public Uri Gateway => _app.GetEndpoint("gateway", "http");

    public async Task<string> MediaConnectionStringAsync(CancellationToken cancellationToken) =>
        await _app.GetConnectionStringAsync("media", cancellationToken)
        ?? throw new InvalidOperationException("The media database has no connection string.");

    /// <summary>
    /// The gateway's own process. Aspire reports the process it started (<c>executable.pid</c>); when that is a
    /// launcher (<c>dotnet run</c>), the gateway is the descendant running the gateway's assembly.
    /// </summary>
    public int GatewayProcessId()
    {
        if (!_app.ResourceNotifications.TryGetCurrentState("gateway", out var state)
            || state.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString() is not { } text
            || !int.TryParse(text, out var pid))
        {
            throw new InvalidOperationException("The gateway's process id is not known.");
        }

        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var candidate))
        {
            var commandLine = ProcFs.CommandLine(candidate);
            if (commandLine.Any(arg => arg.Contains("TuneSculptor.Gateway", StringComparison.Ordinal))
                && !commandLine.Contains("run"))
            {
                return candidate;
            }

            foreach (var child in ProcFs.Children(candidate))
            {
                pending.Enqueue(child);
            }
        }

        return pid;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(_dataRoot, recursive: true);
            }
            catch (IOException)
            {
                // A server that was stopped a moment ago may still hold a file; the folder is under /tmp anyway.
            }
        }
    }
}
