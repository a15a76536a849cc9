using System.Net;
using System.Net.Sockets;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.AppHost.Tests.Model;

/// <summary>The registry probe against real sockets on loopback: one that answers HTTP, one closed, one that never answers.</summary>
public sealed class ContainerRegistryProbeTests
{
    [Fact]
    public async Task A_registry_that_answers_401_is_reachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var answer = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
            await using var stream = client.GetStream();
            var request = new byte[4096];
            _ = await stream.ReadAsync(request, TestContext.Current.CancellationToken);
            await stream.WriteAsync("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
        }, TestContext.Current.CancellationToken);

        var unreachable = ContainerRegistryProbe.Check(new Uri($"http://127.0.0.1:{port}/v2/"));

        await answer;
        Assert.Null(unreachable);
    }

    [Fact]
    public void A_closed_port_is_unreachable_with_the_reason()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var unreachable = ContainerRegistryProbe.Check(new Uri($"http://127.0.0.1:{port}/v2/"));

        Assert.NotNull(unreachable);
        Assert.Contains("127.0.0.1 did not answer", unreachable);
    }

    [Fact]
    public void A_registry_that_never_answers_is_unreachable_after_the_timeout()
    {
        // Accepts the connection (the kernel does, from the backlog) and never says a word.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var unreachable = ContainerRegistryProbe.Check(new Uri($"http://127.0.0.1:{port}/v2/"), TimeSpan.FromSeconds(1));

        Assert.Equal("127.0.0.1 did not answer within 1 s", unreachable);
    }
}
