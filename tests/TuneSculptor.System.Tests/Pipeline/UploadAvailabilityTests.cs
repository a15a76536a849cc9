using System.Net;
using System.Text.Json;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>
/// With the broker or the database down, an upload is refused with 503 and nothing of it is kept; once they are
/// back, the gateway, converter and notification carry on by themselves.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class UploadAvailabilityTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("rabbitmq")]
    [InlineData("mongodb")]
    public async Task An_upload_while_a_dependency_is_down_is_refused_and_stores_nothing(string dependency)
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var video = await _media.VideoAsync("mp4");
        var deadLettersBefore = await CountDeadLettersAsync();

        await fixture.System.WhileStoppedAsync(dependency, async () =>
        {
            using var refused = await _gateway.UploadAsync(token, video, null, Cancellation);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }, RecoveryTimeout, Cancellation, "gateway", "converter", "notification");

        var media = await MediaDatabase.ConnectAsync(fixture.System, Cancellation);
        Assert.Equal(0, await media.CountVideosOfAsync(email, Cancellation));
        using (var jobs = await _gateway.GetAsync(token, "/jobs", Cancellation))
        {
            Assert.Equal(0, JsonDocument.Parse(await jobs.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("total").GetInt64());
        }

        // And the pipeline works again, without restarting any service.
        var jobId = await _gateway.UploadForJobAsync(token, video, Cancellation);
        var job = await _gateway.WaitForJobAsync(token, jobId, RecoveryTimeout, Cancellation);
        Assert.Equal("done", job.GetProperty("status").GetString());

        // No orphan message was queued for the refused upload: one would have failed for want of its job and been
        // dead-lettered by now, since the queue is first in, first out and the later job is done.
        Assert.Equal(deadLettersBefore, await CountDeadLettersAsync());
    }

    /// <summary>On a connection of its own: one opened before the broker was stopped may still be recovering.</summary>
    private async Task<uint> CountDeadLettersAsync()
    {
        await using var broker = await BrokerQueues.ConnectAsync(fixture.System, Cancellation);
        return await broker.CountDeadLettersAsync(Cancellation);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _media.Dispose();
    }
}
