using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace TuneSculptor.System.Tests.Faults;

/// <summary>
/// RabbitMQ stops and comes back in the middle of a run of uploads: each upload is either refused with 503 and
/// leaves nothing behind, or accepted and completed and mailed once; the services reconnect by themselves.
/// </summary>
[Collection(typeof(FaultCollection))]
public sealed class BrokerRestartTests(FaultSystemFixture fixture) : IDisposable
{
    private const int Uploads = 50;
    private const int BeforeOutage = 10;
    private const int AfterRecovery = 10;

    private readonly FaultScenario _scenario = new(fixture);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Uploads_while_the_broker_restarts_are_refused_cleanly_or_completed_and_none_is_lost()
    {
        var output = TestContext.Current.TestOutputHelper!;
        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);
        var (email, token) = await _scenario.Gateway.SignUpAsync(Cancellation);
        var video = await fixture.Media.VideoAsync("mp4");
        var outcomes = new ConcurrentBag<(int Index, HttpStatusCode Status, string Body)>();

        async Task UploadAsync(int index)
        {
            using var response = await _scenario.Gateway.UploadAsync(token, video, null, Cancellation);
            outcomes.Add((index, response.StatusCode, await response.Content.ReadAsStringAsync(Cancellation)));
        }

        for (var i = 0; i < BeforeOutage; i++)
        {
            await UploadAsync(i);
        }

        // The broker stops and starts again while uploads keep coming, one every 200 ms.
        var outage = _scenario.System.WhileStoppedAsync(
            "rabbitmq", () => Task.Delay(TimeSpan.FromSeconds(2), Cancellation), FaultScenario.RecoveryTimeout, Cancellation, "gateway", "converter", "notification");
        var index = BeforeOutage;
        for (; index < Uploads - AfterRecovery && !outage.IsCompleted; index++)
        {
            await Task.WhenAll(UploadAsync(index), Task.Delay(TimeSpan.FromMilliseconds(200), Cancellation));
        }

        await outage;
        for (; index < Uploads; index++)
        {
            await UploadAsync(index);
        }

        var accepted = outcomes.Where(o => o.Status == HttpStatusCode.Accepted)
            .Select(o => JsonDocument.Parse(o.Body).RootElement.GetProperty("job_id").GetString()!).ToList();
        var refused = outcomes.Count(o => o.Status == HttpStatusCode.ServiceUnavailable);
        output.WriteLine($"{outcomes.Count} uploads: {accepted.Count} accepted, {refused} refused with 503");
        Assert.All(outcomes, o => Assert.True(o.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"upload {o.Index}: {(int)o.Status} {o.Body}"));
        Assert.True(refused > 0, "No upload met the outage: the test proved nothing.");
        Assert.All(outcomes.Where(o => o.Index < BeforeOutage || o.Index >= Uploads - AfterRecovery), o => Assert.Equal(HttpStatusCode.Accepted, o.Status));

        // Every accepted upload completes and is mailed once; the refused ones left no job and no video.
        foreach (var jobId in accepted)
        {
            var job = await _scenario.WaitForJobAsync(token, jobId, FaultScenario.JobTimeout, Cancellation);
            Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        }

        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);
        using (var jobs = await _scenario.Gateway.GetAsync(token, "/jobs?page_size=100", Cancellation))
        {
            Assert.Equal(accepted.Count, JsonDocument.Parse(await jobs.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("total").GetInt32());
        }

        var media = await Harness.MediaDatabase.ConnectAsync(_scenario.System, Cancellation);
        Assert.Equal(0, await media.CountVideosOfAsync(email, Cancellation));
        var mails = await _scenario.Mail.WaitForMailsAsync(email, accepted.Count, FaultScenario.JobTimeout, Cancellation);
        output.WriteLine($"{accepted.Count} jobs done, {mails.Count} mails");
        Assert.Equal(accepted.Count, mails.Count);
        Assert.Equal(accepted.Count, mails.Select(mail => mail.DownloadFid).Distinct().Count());
    }

    public void Dispose() => _scenario.Dispose();
}
