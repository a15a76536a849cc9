using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.WholeSystem;

/// <summary>
/// A gateway asked to stop (SIGTERM, as Kubernetes sends after the preStop delay) finishes the upload in flight
/// within its <c>Uploads:ShutdownGrace</c> before it exits, and the upload's job goes through.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class GatewayShutdownTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    // The upload is held longer than the client's default 30 s per request.
    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), Timeout * 2, mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_gateway_asked_to_stop_finishes_the_upload_in_flight_then_exits_cleanly()
    {
        var system = fixture.System;
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var body = new HeldUploadContent(await File.ReadAllBytesAsync(await _media.LongVideoAsync(seconds: 300), Cancellation));
        var upload = _gateway.UploadForJobAsync(token, body, "held.mkv", Cancellation);
        await body.Started.WaitAsync(Timeout, Cancellation);

        var mark = system.LogMark("gateway");
        var exit = system.SignalAndWaitForExitAsync("gateway", "TERM", Timeout, Cancellation);
        try
        {
            await WaitForLogAsync(mark, "Application is shutting down");
            // Stopping, yet still running past the host's default shutdown timeout (30 s), which would have cut it.
            await Task.Delay(TimeSpan.FromSeconds(35), Cancellation);
            Assert.False(exit.IsCompleted, $"the gateway exited with an upload in flight:\n{system.LogsSince("gateway", mark)}");
        }
        finally
        {
            body.Release();
        }

        var jobId = await upload;
        Assert.Equal(0, await exit);

        await system.StartAgainAsync("gateway", Timeout, Cancellation);
        var job = await _gateway.WaitForJobAsync(token, jobId, Timeout, Cancellation);
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
    }

    private async Task WaitForLogAsync(long mark, string text)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!fixture.System.LogsSince("gateway", mark).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' not logged:\n{fixture.System.LogsSince("gateway", mark)}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), Cancellation);
        }
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _media.Dispose();
    }
}
