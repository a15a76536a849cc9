namespace TuneSculptor.System.Tests.Faults;

/// <summary>
/// The converter dies or is told to stop while ffmpeg runs: no job is lost or done twice. Killed, its unacknowledged
/// message goes back to the queue and the job completes once it is back, and the new converter clears the scratch
/// folder and the ffmpeg the killed one left; asked to stop (SIGTERM), it takes no new
/// message, finishes (or hands back) what it has, and exits cleanly.
/// </summary>
[Collection(typeof(FaultCollection))]
public sealed class ConverterFaultTests(FaultSystemFixture fixture) : IDisposable
{
    private readonly FaultScenario _scenario = new(fixture);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_converter_killed_mid_conversion_completes_the_job_once_it_is_back_with_one_mp3_and_one_mail()
    {
        var (email, token, jobId, scratch) = await _scenario.StartLongConversionAsync(Cancellation);

        await _scenario.System.SignalAndWaitForExitAsync("converter", "KILL", FaultScenario.RecoveryTimeout, Cancellation);
        Assert.Equal("converting", (await _scenario.Gateway.WaitForJobAsync(token, jobId, FaultScenario.JobTimeout, Cancellation, "converting")).GetProperty("status").GetString());
        Assert.True(Directory.Exists(scratch), $"{scratch} is gone before the converter is back");
        await _scenario.System.StartAgainAsync("converter", FaultScenario.RecoveryTimeout, Cancellation);
        // The new converter cleared what the killed one left: its scratch folder, its lock and its ffmpeg, if that
        // orphan still runs (it may have finished its 1200 s clip meanwhile; ScratchFoldersTests prove the stopping).
        Assert.False(Directory.Exists(scratch), $"{scratch} was left behind");
        Assert.False(File.Exists(scratch + ".lock"), $"{scratch}.lock was left behind");
        Assert.DoesNotContain(_scenario.ProcessesOfThisSystem(), p => p.Contains(scratch + "/", StringComparison.Ordinal));

        var job = await _scenario.WaitForJobAsync(token, jobId, FaultScenario.JobTimeout, Cancellation);
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        await _scenario.Mail.WaitForMailAsync(email, FaultScenario.JobTimeout, Cancellation);
        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);

        var media = await Harness.MediaDatabase.ConnectAsync(_scenario.System, Cancellation);
        Assert.Equal(1, await media.CountMp3sOfJobAsync(jobId, Cancellation));
        Assert.Single(await _scenario.Mail.ToAsync(email, Cancellation));
    }

    [Fact]
    public async Task A_converter_asked_to_stop_mid_conversion_takes_nothing_new_finishes_its_job_and_exits_cleanly()
    {
        var (email, token, converting, _) = await _scenario.StartLongConversionAsync(Cancellation);

        var mark = _scenario.System.LogMark("converter");
        var exit = _scenario.System.SignalAndWaitForExitAsync("converter", "TERM", FaultScenario.RecoveryTimeout, Cancellation);
        await _scenario.WaitForLogAsync("converter", mark, "Stopped consuming video; finishing", FaultScenario.RecoveryTimeout, Cancellation);
        // Queued after the converter stopped taking messages: it must wait for the next converter.
        var waiting = await _scenario.Gateway.UploadForJobAsync(token, await fixture.Media.VideoAsync("mp4"), Cancellation);

        Assert.Equal(0, await exit);
        Assert.Contains($"Job {converting} converted", _scenario.System.LogsSince("converter", mark));
        var finished = await _scenario.Gateway.WaitForJobAsync(token, converting, TimeSpan.FromSeconds(5), Cancellation);
        Assert.True(finished.GetProperty("status").GetString() == "done", finished.ToString());
        Assert.Equal("queued", (await _scenario.Gateway.WaitForJobAsync(token, waiting, TimeSpan.FromSeconds(5), Cancellation, "queued")).GetProperty("status").GetString());

        await _scenario.System.StartAgainAsync("converter", FaultScenario.RecoveryTimeout, Cancellation);
        var later = await _scenario.WaitForJobAsync(token, waiting, FaultScenario.JobTimeout, Cancellation);
        Assert.True(later.GetProperty("status").GetString() == "done", later.ToString());
        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);
        Assert.Equal(2, (await _scenario.Mail.ToAsync(email, Cancellation)).Count);
    }

    public void Dispose() => _scenario.Dispose();
}
