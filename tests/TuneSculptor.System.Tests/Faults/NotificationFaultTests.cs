using MongoDB.Bson;

namespace TuneSculptor.System.Tests.Faults;

/// <summary>
/// The notification dies after the mail server accepted a mail but before the job records it and the message is
/// acknowledged: the message comes back, and the user is mailed at most once more; the job then records it.
/// </summary>
[Collection(typeof(FaultCollection))]
public sealed class NotificationFaultTests(FaultSystemFixture fixture) : IDisposable
{
    private readonly FaultScenario _scenario = new(fixture);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_notification_killed_between_sending_and_acknowledging_mails_at_most_once_more_and_records_it()
    {
        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);
        var (email, token) = await _scenario.Gateway.SignUpAsync(Cancellation);
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // At QUIT the server has accepted the mail, and the notification awaits the answer: the mail is sent, not
        // yet recorded, its message not yet acknowledged.
        fixture.Smtp.ArmOnQuit(async () =>
        {
            await _scenario.System.SignalAndWaitForExitAsync("notification", "KILL", FaultScenario.RecoveryTimeout, Cancellation);
            killed.SetResult();
        });

        var jobId = await _scenario.Gateway.UploadForJobAsync(token, await fixture.Media.VideoAsync("mp4"), Cancellation);
        await killed.Task.WaitAsync(FaultScenario.JobTimeout, Cancellation);
        var media = await Harness.MediaDatabase.ConnectAsync(_scenario.System, Cancellation);
        Assert.Equal(BsonNull.Value, (await media.JobAsync(jobId, Cancellation)).GetValue("notified_at", BsonNull.Value));
        await _scenario.Mail.WaitForMailAsync(email, FaultScenario.RecoveryTimeout, Cancellation);
        Assert.Single(await _scenario.Mail.ToAsync(email, Cancellation));

        await _scenario.System.StartAgainAsync("notification", FaultScenario.RecoveryTimeout, Cancellation);
        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);
        var deadline = DateTime.UtcNow + FaultScenario.JobTimeout;
        while ((await media.JobAsync(jobId, Cancellation)).GetValue("notified_at", BsonNull.Value) == BsonNull.Value)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} was never recorded as mailed");
            await Task.Delay(TimeSpan.FromMilliseconds(250), Cancellation);
        }

        // The mail sent before the kill, and the one the redelivery sent: once more, not more.
        Assert.Equal(2, (await _scenario.Mail.ToAsync(email, Cancellation)).Count);
    }

    public void Dispose() => _scenario.Dispose();
}
