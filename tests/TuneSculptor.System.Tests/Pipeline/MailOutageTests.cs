using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TuneSculptor.AppHost;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>
/// A mail server that stays down is a transient failure: the notification retries for its schedule's time (shortened
/// here), then dead-letters the notice instead of looping; the job itself is done and its mp3 downloadable, and it says
/// its mail could not be sent. The notification's health says dead letters wait; once the mail server is back, the
/// dashboard's redrive command sends the notice again, it is mailed once, and the job says so.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class MailOutageTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string DeadLetters = "mp3.dead-letter";

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MailBox _mailBox = new(fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_notice_that_cannot_be_mailed_is_retried_then_dead_lettered_not_looped_and_a_redrive_mails_it_once()
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var video = await _media.VideoAsync("mp4");
        await using var broker = await BrokerQueues.ConnectAsync(fixture.System, Cancellation);
        var notification = fixture.System.GetHttpEndpoint("notification");

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

            // Said by the notification's health, which stays ready (200): degraded, not out of service.
            await ServiceHealth.WaitUntilAsync(
                notification, h => h.StatusCode == HttpStatusCode.OK && h.Checks.GetValueOrDefault(ServiceHealth.DeadLettersCheck) == "Degraded", Timeout, Cancellation);
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

        // Nothing mailed: the mail server is back, but the notice waits in the dead-letter queue.
        var degraded = await ServiceHealth.GetAsync(notification, Cancellation);
        Assert.True(degraded.Checks.GetValueOrDefault(ServiceHealth.DeadLettersCheck) == "Degraded", degraded.Body);
        Assert.Empty(await _mailBox.ToAsync(email, Cancellation));

        // The operator's dashboard command, as the dashboard runs it.
        var redrive = await fixture.System.App.ResourceCommands.ExecuteCommandAsync("notification", DeadLetterRedriveCommands.RedriveAll, Cancellation);

        Assert.True(redrive.Success, redrive.Message);
        Assert.Contains("moved from mp3.dead-letter back to mp3", redrive.Message, StringComparison.Ordinal);
        var mail = await _mailBox.WaitForMailAsync(email, Timeout, Cancellation);
        Assert.NotNull(mail.DownloadLink);
        Assert.DoesNotContain((await broker.PeekAsync(DeadLetters, Cancellation)), m => m.Body.Contains(jobId, StringComparison.Ordinal));
        await ServiceHealth.WaitUntilAsync(notification, h => h.Status == "Healthy", Timeout, Cancellation);
        // The one job's command: its id checked before anything runs; nothing of the job's is left to move.
        var malformed = await RedriveJobAsync("not-a-job");
        Assert.False(malformed.Success, malformed.Message);
        var again = await RedriveJobAsync(jobId);
        Assert.True(again.Success, again.Message);
        Assert.Contains("0 dead letter(s) moved from mp3.dead-letter back to mp3", again.Message, StringComparison.Ordinal);

        // Once: a few of the test schedule's retry periods later, still the one mail.
        await Task.Delay(SystemFixture.RetryFor, Cancellation);
        Assert.Single(await _mailBox.ToAsync(email, Cancellation));
        Assert.Equal(0u, (await broker.InspectAsync(DeadLetters, Cancellation)).Ready);
        var mailed = await _gateway.GetJobAsync(token, jobId, Cancellation);
        Assert.Equal("sent", mailed.GetProperty("mail").GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, mailed.GetProperty("retry").ValueKind);
    }

    private Task<ExecuteCommandResult> RedriveJobAsync(string jobId) =>
        fixture.System.App.ResourceCommands.ExecuteCommandAsync(
            "notification",
            DeadLetterRedriveCommands.RedriveJob,
            new InteractionInputCollection([new InteractionInput { Name = DeadLetterRedriveCommands.JobIdArgument, InputType = InputType.Text, Value = jobId }]),
            Cancellation);

    public void Dispose()
    {
        _gateway.Dispose();
        _mailBox.Dispose();
        _media.Dispose();
    }
}
