using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;

namespace TuneSculptor.System.Tests.Faults;

/// <summary>
/// MongoDB goes away while a video converts. When it comes back within the queue's retry schedule, the job completes,
/// once. When it stays away: the job is retried for the queue's schedule, then
/// failed; the failure is recorded once the store is back (the message is held until then), the user is told, and
/// the message is dead-lettered.
/// </summary>
[Collection(typeof(FaultCollection))]
public sealed class StoreOutageTests(FaultSystemFixture fixture) : IDisposable
{
    private readonly FaultScenario _scenario = new(fixture);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_whose_store_is_gone_during_conversion_is_retried_then_failed_and_the_user_told()
    {
        var (email, token, jobId, _) = await _scenario.StartLongConversionAsync(Cancellation);
        var mark = _scenario.System.LogMark("converter");

        await _scenario.System.WhileStoppedAsync("mongodb", async () =>
        {
            // Every delivery fails (5 s to find no server, then a short wait), and the last one cannot record it.
            await _scenario.WaitForLogAsync("converter", mark, $"Job {jobId} on video failed on its last attempt (", FaultScenario.JobTimeout, Cancellation);
            await _scenario.WaitForLogAsync("converter", mark, $"Recording the failure of Job {jobId} on video failed; trying again", FaultScenario.RecoveryTimeout, Cancellation);
        }, FaultScenario.RecoveryTimeout, Cancellation, "gateway", "converter", "notification");

        var job = await _scenario.WaitForJobAsync(token, jobId, FaultScenario.JobTimeout, Cancellation);
        Assert.True(job.GetProperty("status").GetString() == "failed", job.ToString());
        Assert.Contains("several attempts", job.GetProperty("error").GetString());
        var mail = await _scenario.Mail.WaitForMailAsync(email, FaultScenario.JobTimeout, Cancellation);
        Assert.Contains("several attempts", mail.Text);
        Assert.Null(mail.DownloadFid);

        await using var broker = await BrokerQueues.ConnectAsync(_scenario.System, Cancellation);
        Assert.Single(await broker.PeekAsync("video.dead-letter", Cancellation), m => m.Body.Contains(jobId, StringComparison.Ordinal));
        var logs = _scenario.System.LogsSince("converter", mark);
        var lastAttempt = int.Parse(
            global::System.Text.RegularExpressions.Regex.Match(logs, $@"Job {jobId} on video failed on its last attempt \((\d+)\)").Groups[1].Value,
            global::System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(lastAttempt - 1, global::System.Text.RegularExpressions.Regex.Count(logs, $"Job {jobId} on video failed on attempt"));
    }

    [Fact]
    public async Task A_job_whose_store_comes_back_within_its_retry_schedule_completes_with_one_mp3_and_one_mail()
    {
        var (email, token, jobId, _) = await _scenario.StartLongConversionAsync(Cancellation);
        var mark = _scenario.System.LogMark("converter");

        await _scenario.System.WhileStoppedAsync("mongodb", async () =>
        {
            // Two tries fail while it is away, each sent to wait in a retry queue: several retry periods.
            await _scenario.WaitForLogAsync("converter", mark, $"Job {jobId} on video failed on attempt 2;", FaultScenario.JobTimeout, Cancellation);
        }, FaultScenario.RecoveryTimeout, Cancellation, "gateway", "converter", "notification");

        // A later try finds the store back (once the lease the failed try could not let go of has run out) and converts.
        var job = await _scenario.WaitForJobAsync(token, jobId, FaultScenario.JobTimeout, Cancellation);
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        var mail = await _scenario.Mail.WaitForMailAsync(email, FaultScenario.JobTimeout, Cancellation);
        Assert.Equal(job.GetProperty("mp3_fid").GetString(), mail.DownloadFid);
        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);

        var media = await Harness.MediaDatabase.ConnectAsync(_scenario.System, Cancellation);
        Assert.Equal(1, await media.CountMp3sOfJobAsync(jobId, Cancellation));
        Assert.Single(await _scenario.Mail.ToAsync(email, Cancellation));
        await using var broker = await BrokerQueues.ConnectAsync(_scenario.System, Cancellation);
        Assert.DoesNotContain(await broker.PeekAsync("video.dead-letter", Cancellation), m => m.Body.Contains(jobId, StringComparison.Ordinal));
        Assert.DoesNotContain($"Job {jobId} on video failed on its last attempt", _scenario.System.LogsSince("converter", mark));
    }

    public void Dispose() => _scenario.Dispose();
}
