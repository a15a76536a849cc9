using System.Text.Json;
using Microsoft.Playwright;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.Web;
using TuneSculptor.Testing;
using static Microsoft.Playwright.Assertions;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>
/// A job whose mail cannot go out says so, in the API and on the page, instead of looking finished and silent: the mail
/// server stopped while the job finishes, the job reads done (its mp3 downloadable) with its mail waiting to retry, why
/// and when; started again, the mail arrives once and the job reads mailed, nothing waiting.
/// </summary>
public sealed class MailRetryStatusTests(MailRetrySystemFixture fixture) : IClassFixture<MailRetrySystemFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MailBox _mail = new(fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();
    private Browser? _browser;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _browser = await Browser.LaunchAsync();

    [Fact]
    public async Task A_mail_waiting_for_its_server_shows_as_waiting_to_retry_then_arrives_once_and_the_job_reads_mailed()
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var video = await _media.VideoAsync("mp4");
        await using var context = await _browser!.NewContextAsync(fixture.System.GetHttpEndpoint("gateway"));
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.EvaluateAsync("token => sessionStorage.setItem('tunesculptor.token', token)", token);
        await page.ReloadAsync();
        await Expect(page.Locator("#live")).ToHaveClassAsync("live on");

        var jobId = string.Empty;
        await fixture.System.WhileStoppedAsync("mail", async () =>
        {
            jobId = await _gateway.UploadForJobAsync(token, video, Cancellation);
            var done = await _gateway.WaitForJobAsync(token, jobId, Timeout, Cancellation);
            Assert.Equal("done", done.GetProperty("status").GetString());

            // Waiting, why, and until when: seen before that time comes (each wait is seconds long).
            var (job, seenAt) = await WaitForJobAsync(token, jobId, j => j.GetProperty("retry").ValueKind != JsonValueKind.Null);
            var retry = job.GetProperty("retry");
            Assert.Equal("mail", retry.GetProperty("stage").GetString());
            Assert.Equal("mail server unreachable", retry.GetProperty("reason").GetString());
            Assert.True(retry.GetProperty("attempt").GetInt32() >= 1);
            var nextAttemptAt = retry.GetProperty("next_attempt_at").GetDateTime();
            Assert.True(nextAttemptAt > seenAt, $"The next try ({nextAttemptAt:O}) was not ahead when seen ({seenAt:O}).");
            Assert.True(nextAttemptAt <= seenAt + MailRetrySystemFixture.RetryDelay, $"The next try ({nextAttemptAt:O}) is further than a retry's delay.");
            Assert.Equal("waiting", job.GetProperty("mail").GetProperty("state").GetString());
            Assert.Equal("mail server unreachable", job.GetProperty("mail").GetProperty("reason").GetString());
            Assert.Equal("done", job.GetProperty("status").GetString());
            Assert.NotNull(job.GetProperty("download_url").GetString());

            // The page says so, live, and counts the next try down.
            var item = page.Locator($"li.job[data-job-id='{jobId}']");
            await Expect(item.Locator(".job-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
            await Expect(item.Locator(".job-notice")).ToContainTextAsync("The mail about it is waiting to retry: mail server unreachable, ", new() { Timeout = 30_000 });
            await Expect(item.Locator(".job-notice")).ToContainTextAsync(new global::System.Text.RegularExpressions.Regex("next try in \\d+ s|trying again now"));
            await Browser.ScreenshotAsync(page, "web-page-mail-waiting");

            // Several retry periods pass, each noted as it is scheduled.
            await WaitForJobAsync(token, jobId, j => j.GetProperty("retry") is { ValueKind: JsonValueKind.Object } r && r.GetProperty("attempt").GetInt32() >= 3);
        }, Timeout, Cancellation, "notification");

        var mail = await _mail.WaitForMailAsync(email, Timeout, Cancellation);
        var (sent, _) = await WaitForJobAsync(token, jobId, j => j.GetProperty("mail").ValueKind == JsonValueKind.Object && j.GetProperty("mail").GetProperty("state").GetString() == "sent");
        Assert.Equal(sent.GetProperty("mp3_fid").GetString(), mail.DownloadFid);
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("retry").ValueKind);
        Assert.Equal(JsonValueKind.String, sent.GetProperty("mail").GetProperty("sent_at").ValueKind);
        await Expect(page.Locator($"li.job[data-job-id='{jobId}'] .job-notice")).ToBeHiddenAsync(new() { Timeout = 30_000 });

        // Once: nothing else waits for this job to be mailed again, and nothing was dead-lettered.
        await using var broker = await BrokerQueues.ConnectAsync(fixture.System, Cancellation);
        Assert.Equal(0u, (await broker.InspectAsync("mp3", Cancellation)).Ready);
        Assert.DoesNotContain(await broker.PeekAsync("mp3.dead-letter", Cancellation), m => m.Body.Contains(jobId, StringComparison.Ordinal));
        Assert.Single(await _mail.ToAsync(email, Cancellation));
    }

    /// <summary>Polls GET /jobs/{id} until <paramref name="shows"/> holds; returns the job and when it was asked for.</summary>
    private async Task<(JsonElement Job, DateTime AskedAt)> WaitForJobAsync(string token, string jobId, Func<JsonElement, bool> shows)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var askedAt = DateTime.UtcNow;
            var job = await _gateway.GetJobAsync(token, jobId, Cancellation);
            if (shows(job))
            {
                return (job, askedAt);
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} still reads {job} after {Timeout.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(100), Cancellation);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _gateway.Dispose();
        _mail.Dispose();
        _media.Dispose();
    }
}
