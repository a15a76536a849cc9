using System.Net;
using System.Net.Sockets;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.WholeSystem;

/// <summary>Start-up and shutdown of whole systems of their own (not the shared one).</summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Stopping_the_system_leaves_no_process_behind()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var system = await HostProcessSystem.StartAsync(cancellationToken);
        IReadOnlyList<int> processIds;
        var marker = $"{HostProcessSystem.RunMarkerVariable}={system.RunId}";
        try
        {
            await system.WaitForHealthyAsync(cancellationToken);
            processIds = system.ResourceProcessIds();
            var running = ProcFs.WithEnvironmentEntry(marker);
            // The marker must reach the servers' own processes (mariadbd, beam, epmd, node, smtp4dev) and DCP,
            // or an empty list after shutdown would prove nothing.
            Assert.Equal(system.Resources.All.Count - 2, processIds.Count);
            Assert.Contains(running, p => p.Contains("mariadbd"));
            Assert.Contains(running, p => p.Contains("epmd"));
            Assert.Contains(running, p => p.Contains("beam.smp"));
            Assert.Contains(running, p => p.Contains("mongo-standin") || p.Contains("mongod"));
            Assert.Contains(running, p => p.Contains("Smtp4dev"));
            Assert.Contains(running, p => p.Contains("dcp"));
        }
        finally
        {
            await system.DisposeAsync();
        }

        var deadline = DateTime.UtcNow + ShutdownGrace;
        IReadOnlyList<string> leftovers;
        do
        {
            leftovers = ProcFs.WithEnvironmentEntry(marker);
            if (leftovers.Count == 0 && !processIds.Any(ProcFs.IsAlive))
            {
                return;
            }

            await Task.Delay(500, cancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Still running {ShutdownGrace.TotalSeconds:0} s after shutdown:\n{string.Join('\n', leftovers)}\n" +
                    $"resource pids alive: {string.Join(", ", processIds.Where(ProcFs.IsAlive))}");
    }

    [Fact]
    public async Task A_resource_that_cannot_start_fails_the_wait_at_once_with_its_logs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // Hold the port the mail UI is told to use: smtp4dev cannot bind it and exits.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var takenPort = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var system = await HostProcessSystem.StartAsync(cancellationToken, $"--MAIL_UI_PORT={takenPort}");
        var started = DateTime.UtcNow;

        var failure = await Assert.ThrowsAsync<ResourceFailedException>(() => system.WaitForHealthyAsync(cancellationToken));

        Assert.True(failure.Message.Contains("'mail'") && failure.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase),
            $"The failure should name the resource and quote its error:\n{failure.Message}");
        Assert.True(DateTime.UtcNow - started < HostProcessSystem.StartTimeout / 2, "the failure was not reported fast");
    }
}
