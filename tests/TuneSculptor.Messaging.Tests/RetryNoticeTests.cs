using System.Collections.Concurrent;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging.Tests.Harness;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests;

/// <summary>
/// The handler is told of each retry it has to wait for (<see cref="IMessageHandler{TMessage}.OnRetryScheduledAsync"/>),
/// once the copy is safe in its retry queue: once per scheduled retry, with the attempt and when the next is due; not
/// for a retry that could not be sent, nor for a failure for good; and a note that fails or hangs changes nothing
/// about the retry.
/// </summary>
public sealed class RetryNoticeTests(RabbitMQBroker broker) : IClassFixture<RabbitMQBroker>
{
    private const string NotNoted = "waits to be retried, but its handler could not note that";

    private readonly string _queue = $"tests-{Guid.NewGuid():N}";
    private readonly QueueProbe _probe = new(broker);
    private readonly HandlerScript<WorkItem> _work = new();

    [Fact]
    public async Task Each_scheduled_retry_is_noted_once_with_its_attempt_and_when_the_next_is_due()
    {
        var failedAt = new ConcurrentQueue<DateTimeOffset>();
        var deliveredAt = new ConcurrentQueue<DateTimeOffset>();
        _work.Handle = (_, _) =>
        {
            deliveredAt.Enqueue(DateTimeOffset.UtcNow);
            if (deliveredAt.Count <= 3)
            {
                failedAt.Enqueue(DateTimeOffset.UtcNow);
                throw new IOException("the store is away");
            }

            return Task.CompletedTask;
        };
        await using var worker = await StartWorkerAsync();

        await _probe.PublishAsync(_queue, WorkItem.Named("flaky"));
        await Eventually.HoldsAsync(() => !_work.Completed.IsEmpty, "the message handled on its fourth attempt");
        await worker.StopAsync();

        var notices = _work.RetryNotices.ToArray();
        Assert.Equal([1, 2, 3], notices.Select(notice => notice.Notice.Attempt));
        Assert.All(notices, notice => Assert.Equal("flaky", notice.Message.Name));
        Assert.All(notices, notice => Assert.Equal("the store is away", Assert.IsType<IOException>(notice.Notice.Failure).Message));
        var failures = failedAt.ToArray();
        var deliveries = deliveredAt.ToArray();
        // The short schedule: 20 ms, 40 ms, 80 ms, each shortened by up to a fifth.
        TimeSpan[] tiers = [TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(80)];
        var precision = TimeSpan.FromMilliseconds(2);
        for (var i = 0; i < 3; i++)
        {
            var (_, notice, calledAt) = notices[i];
            Assert.InRange(notice.NextAttemptAt, failures[i] + (tiers[i] * 0.8) - precision, failures[i] + tiers[i] + TimeSpan.FromSeconds(5));
            // The copy is back no earlier than the notice said (its expiry counts from a moment later than the notice's).
            Assert.True(deliveries[i + 1] >= notice.NextAttemptAt - precision, $"Attempt {i + 2} came at {deliveries[i + 1]:O}, before {notice.NextAttemptAt:O}.");
            Assert.True(calledAt >= failures[i], "A retry was noted before its attempt failed.");
            // Headers keep milliseconds only.
            Assert.InRange(notice.FirstFailedAt, failures[0] - precision, failures[0] + precision);
        }

        Assert.Empty(_work.FailureCalls);
        Assert.False(worker.HasLogged(NotNoted));
    }

    [Fact]
    public async Task The_notice_says_when_the_copy_waiting_in_its_retry_queue_is_due()
    {
        var hour = TimeSpan.FromHours(1);
        _work.Handle = (_, _) => throw new IOException("the mail server is away");
        await using var worker = await StartWorkerAsync(new Dictionary<string, string?>
        {
            [$"Messaging:Queues:{_queue}:Retry:FirstDelay"] = "01:00:00",
            [$"Messaging:Queues:{_queue}:Retry:MaxDelay"] = "01:00:00",
            [$"Messaging:Queues:{_queue}:Retry:GiveUpAfter"] = "06:00:00",
        });

        await _probe.PublishAsync(_queue, WorkItem.Named("waits"));
        await Eventually.HoldsAsync(() => !_work.RetryNotices.IsEmpty, "the retry noted");

        var (_, notice, calledAt) = Assert.Single(_work.RetryNotices);
        Assert.Equal(1, notice.Attempt);
        Assert.InRange(notice.NextAttemptAt - calledAt, (hour * 0.8) - TimeSpan.FromSeconds(5), hour);
        // Noted once the copy was confirmed: it is there, due when the notice says (the header is written a moment later).
        var waiting = Assert.Single(await _probe.PeekAsync(Topology.RetryQueue(_queue, hour)));
        Assert.InRange(waiting.Number(MessageHeaders.RetryAt)!.Value - notice.NextAttemptAt.ToUnixTimeMilliseconds(), 0, 1000);
    }

    [Fact]
    public async Task A_note_that_fails_or_hangs_changes_nothing_about_the_retry()
    {
        var failures = 2;
        _work.Handle = (_, _) => Interlocked.Decrement(ref failures) >= 0 ? throw new IOException("the store is away") : Task.CompletedTask;
        var hungUntilCancelled = false;
        _work.RetryScheduled = async (_, notice, cancellationToken) =>
        {
            if (notice.Attempt == 1)
            {
                throw new InvalidOperationException("the job store is the thing that is down");
            }

            // Hangs until the worker gives up on it.
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                hungUntilCancelled = true;
                throw;
            }
        };
        await using var worker = await StartWorkerAsync();

        await _probe.PublishAsync(_queue, WorkItem.Named("kept"));
        await Eventually.HoldsAsync(() => !_work.Completed.IsEmpty, "the message handled on its third attempt");
        await Eventually.HoldsAsync(() => worker.HasLogged($"on {_queue} {NotNoted} (TaskCanceledException"), "the hanging note given up on, and logged");

        Assert.True(hungUntilCancelled);
        Assert.True(worker.HasLogged($"on {_queue} {NotNoted} (InvalidOperationException: the job store is the thing that is down)"), "The failed note was not logged.");
        Assert.Equal([1, 2], _work.RetryNotices.Select(notice => notice.Notice.Attempt));
        Assert.Equal(3, _work.Deliveries.Count);
        await worker.StopAsync();
        Assert.Equal((0u, 0u), await _probe.InspectAsync(_queue));
        Assert.Equal(0u, await _probe.CountDeadLettersAsync(_queue));
    }

    [Fact]
    public async Task Neither_a_retry_that_could_not_be_sent_nor_a_failure_for_good_is_noted()
    {
        var failures = 1;
        _work.Handle = (message, _) => message.Name switch
        {
            "poison" => throw new PermanentFailureException("not a video"),
            _ when Interlocked.Decrement(ref failures) >= 0 => throw new IOException("the store is away"),
            _ => Task.CompletedTask,
        };
        await using var worker = await StartWorkerAsync();
        // The first delay's queue is gone: the copy is unroutable, and the original is handed back instead.
        await _probe.DeleteQueueAsync(Topology.RetryQueue(_queue, TimeSpan.FromMilliseconds(20)));

        await _probe.PublishAsync(_queue, WorkItem.Named("kept"));
        await _probe.PublishAsync(_queue, WorkItem.Named("poison"));
        await Eventually.HoldsAsync(() => !_work.Completed.IsEmpty && !_work.Failures.IsEmpty, "one message handled on its second delivery, the other failed");
        await worker.StopAsync();

        Assert.True(worker.HasLogged($"A retry on {_queue} could not be sent"), "The retry was sent after all.");
        Assert.Equal(1u, await _probe.CountRejectedAsync(_queue));
        Assert.Empty(_work.RetryNotices);
    }

    private Task<WorkerHost> StartWorkerAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        WorkerHost.StartAsync(broker, messaging => messaging.AddScriptedConsumer(_queue, _work), settings);
}
