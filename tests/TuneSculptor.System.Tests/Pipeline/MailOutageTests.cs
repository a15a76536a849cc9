using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>
/// A mail server that stays down is a transient failure: the notification retries for its schedule's time (shortened
/// here), then dead-letters the notice instead of looping; the job itself is done and its mp3 downloadable, and it says
/// its mail could not be sent.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class MailOutageTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string DeadLetters = "mp3.dead-letter";

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_notice_that_cannot_be_mailed_is_retried_then_dead_lettered_not_looped()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var video = await _media.VideoAsync("mp4");
        await using var broker = await BrokerQueues.ConnectAsync(fixture.System, Cancellation);

        string jobId = string.Empty;
        await fixture.System.WhileStoppedAsync("mail", async () =>
        {
            jobId = await _gateway.UploadForJobAsync(token, video, Cancellation);
            var job = await _gateway.WaitForJobAsync(token, jobId, Timeout, Cancellation);
            Assert.Equal("done", job.GetProperty("status").GetString());

            var deadline = DateTime.UtcNow + Timeout;
            while (!(await broker.PeekAsync(DeadLetters, Cancellation)).Any(m => m.Body.Contains(jobId, StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, $"The notice of job {jobId} was not dead-lettered within {Timeout.TotalSeconds} s");
                await Task.Delay(TimeSpan.FromMilliseconds(500), Cancellation);
            }
        }, Timeout, Cancellation, "notification");

        // Dead-lettered by the notification itself, with why, once its retries were over, and not looping.
        var notice = (await broker.PeekAsync(DeadLetters, Cancellation)).Single(m => m.Body.Contains(jobId, StringComparison.Ordinal));
        Assert.Equal(jobId, JsonSerializer.Deserialize<JsonElement>(notice.Body).GetProperty("job_id").GetString());
        Assert.Equal("gave-up", Encoding.UTF8.GetString((byte[])notice.Headers["dead-letter-cause"]!));
        var logs = fixture.System.RecentLogs("notification", maxLines: 2000);
        var lastAttempt = int.Parse(Regex.Match(logs, $@"Job {jobId} on mp3 failed on its last attempt \((\d+)\)").Groups[1].Value, global::System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lastAttempt > 1, $"Given up after {lastAttempt} attempt(s).");
        Assert.Equal(lastAttempt - 1, Regex.Count(logs, $"Job {jobId} on mp3 failed on attempt"));
        Assert.Equal(0u, (await broker.InspectAsync("mp3", Cancellation)).Ready);

        // The job says so: done and downloadable, its mail not sent and why, nothing waiting.
        var failed = await _gateway.GetJobAsync(token, jobId, Cancellation);
        Assert.Equal("done", failed.GetProperty("status").GetString());
        Assert.Equal("failed", failed.GetProperty("mail").GetProperty("state").GetString());
        Assert.Contains("several attempts", failed.GetProperty("mail").GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("retry").ValueKind);
        Assert.NotNull(failed.GetProperty("download_url").GetString());
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _media.Dispose();
    }
}
