using System.Globalization;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging.Tests.Harness;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests;

/// <summary>
/// Transient failures against a real broker: retried through the retry queues (a copy confirmed, then the original
/// acked), holding nothing while they wait, until the queue's schedule is over; and the delivery limit still stops a
/// message that kills its consumer. The schedule is shortened by configuration only (<see cref="WorkerHost.ShortRetries"/>).
/// </summary>
public sealed class DelayedRetryTests(RabbitMQBroker broker) : IClassFixture<RabbitMQBroker>
{
    private readonly string _queue = $"tests-{Guid.NewGuid():N}";
    private readonly QueueProbe _probe = new(broker);
    private readonly HandlerScript<WorkItem> _work = new();

    [Fact]
    public async Task A_transient_failure_is_retried_through_its_retry_queue_and_then_succeeds()
    {
        var failures = 1;
        _work.Handle = (_, _) => Interlocked.Decrement(ref failures) >= 0 ? throw new IOException("the store is away") : Task.CompletedTask;
        await using var worker = await StartWorkerAsync();

        await _probe.PublishAsync(_queue, WorkItem.Named("flaky"));
        await Eventually.HoldsAsync(() => !_work.Completed.IsEmpty, "the message handled on its second attempt");

        Assert.Equal(2, _work.Deliveries.Count);
        Assert.Equal("flaky", Assert.Single(_work.Completed).Name);
        Assert.Empty(_work.FailureCalls);
        // It waited in the first delay's queue (20 ms), as a copy: the original was acked, not handed back.
        Assert.True(worker.HasLogged($"failed on attempt 1; retrying in "), "No retry was logged.");
        Assert.True(worker.HasLogged($"(waiting in {Topology.RetryQueue(_queue, TimeSpan.FromMilliseconds(20))})"), "The retry did not wait in the first delay's queue.");
        await worker.StopAsync();
        Assert.Equal((0u, 0u), await _probe.InspectAsync(_queue));
        Assert.Equal(0u, await _probe.CountDeadLettersAsync(_queue));
        Assert.Equal(0u, (await _probe.InspectAsync(Topology.RetryQueue(_queue, TimeSpan.FromMilliseconds(20)))).Ready);
    }

    [Fact]
    public async Task A_message_waiting_to_be_retried_holds_no_delivery_and_the_next_message_is_handled_meanwhile()
    {
        // One at a time, and an hour's wait: were the waiting message held by the worker, nothing else would be handled.
        var hour = TimeSpan.FromHours(1);
        _work.Handle = (message, _) => message.Name == "waits" ? throw new IOException("the mail server is away") : Task.CompletedTask;
        await using var worker = await StartWorkerAsync(new Dictionary<string, string?>
        {
            [$"Messaging:Queues:{_queue}:Concurrency"] = "1",
            [$"Messaging:Queues:{_queue}:Retry:FirstDelay"] = "01:00:00",
            [$"Messaging:Queues:{_queue}:Retry:MaxDelay"] = "01:00:00",
            [$"Messaging:Queues:{_queue}:Retry:GiveUpAfter"] = "06:00:00",
        });
        var retryQueue = Topology.RetryQueue(_queue, hour);
        Assert.Equal($"{_queue}.retry.3600s", retryQueue);

        var publishedAt = DateTimeOffset.UtcNow;
        await _probe.PublishAsync(_queue, WorkItem.Named("waits"));
        await Eventually.HoldsAsync(async () => (await _probe.InspectAsync(retryQueue)).Ready == 1, "the failed message waiting in the hour's retry queue");
        await _probe.PublishAsync(_queue, WorkItem.Named("next"));
        await Eventually.HoldsAsync(() => _work.Completed.Any(message => message.Name == "next"), "the next message handled");

        Assert.Equal(["waits", "next"], _work.Deliveries.Select(delivery => delivery.Message.Name));
        Assert.Equal((0u, 1u), await _probe.InspectAsync(_queue));
        // The broker's counts, once they include the second ack: two deliveries, both acked, none handed back, none
        // unacknowledged; the waiting message is in the retry queue only.
        QueueStatistics? work = null;
        await Eventually.HoldsAsync(async () => (work = await _probe.GetStatisticsAsync(_queue)).Acked >= 2, "the management API counting both acks");
        Assert.Equal(new QueueStatistics(Ready: 0, Unacknowledged: 0, Delivered: 2, Redelivered: 0, Acked: 2), work);

        // The copy carries its story: its next attempt, its first failure, when it is due and why it failed; not the
        // broker's count of the original's deliveries. Its own expiration is the hour less up to 20% jitter.
        var waiting = Assert.Single(await _probe.PeekAsync(retryQueue));
        Assert.Equal(2, waiting.Number(MessageHeaders.Attempt));
        var firstFailedAt = DateTimeOffset.FromUnixTimeMilliseconds(waiting.Number(MessageHeaders.FirstFailedAt)!.Value);
        Assert.InRange(firstFailedAt, publishedAt.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        var expiration = TimeSpan.FromMilliseconds(long.Parse(waiting.Expiration!, CultureInfo.InvariantCulture));
        Assert.InRange(expiration, hour * 0.8, hour);
        Assert.InRange(waiting.Number(MessageHeaders.RetryAt)!.Value - firstFailedAt.ToUnixTimeMilliseconds(), (long)(hour * 0.8).TotalMilliseconds, (long)hour.TotalMilliseconds + 5000);
        Assert.Equal("IOException: the mail server is away", waiting.Text(MessageHeaders.LastError));
        Assert.False(waiting.Headers.ContainsKey("x-delivery-count"));
        Assert.Empty(_work.FailureCalls);
    }

    [Fact]
    public async Task A_message_failing_past_its_whole_schedule_is_dead_lettered_with_its_reason_and_failed_once()
    {
        _work.Handle = (_, _) => throw new IOException("the store is away");
        await using var worker = await StartWorkerAsync(new Dictionary<string, string?> { [$"Messaging:Queues:{_queue}:Retry:GiveUpAfter"] = "00:00:02" });

        await _probe.PublishAsync(_queue, WorkItem.Named("doomed"));
        await Eventually.HoldsAsync(async () => await _probe.CountDeadLettersAsync(_queue) == 1, "the message dead-lettered");

        // Tried again and again for the 2 s this queue's schedule gives (20 ms doubling to 100 ms): more often than the
        // delivery limit would have allowed, which no longer counts retries.
        var deliveries = _work.Deliveries.Count;
        Assert.True(deliveries > WorkerHost.DeliveryLimit + 1, $"Only {deliveries} deliveries in the schedule's 2 s.");
        var (message, reason) = Assert.Single(_work.Failures);
        Assert.Equal("doomed", message.Name);
        Assert.Equal(RetryPolicy.GaveUpReason, reason);
        Assert.Single(_work.FailureCalls);
        Assert.True(worker.HasLogged($"failed on its last attempt ({deliveries})"), "The last attempt was not logged with its number.");

        var deadLetter = Assert.Single(await _probe.PeekDeadLettersAsync(_queue));
        Assert.Equal(DeadLetterCauses.GaveUp, deadLetter.Text(MessageHeaders.DeadLetterCause));
        Assert.Equal(RetryPolicy.GaveUpReason, deadLetter.Text(MessageHeaders.DeadLetterReason));
        Assert.Equal("IOException: the store is away", deadLetter.Text(MessageHeaders.LastError));
        Assert.Equal(deliveries, deadLetter.Number(MessageHeaders.Attempt));
        var triedFor = deadLetter.Number(MessageHeaders.DeadLetteredAt) - deadLetter.Number(MessageHeaders.FirstFailedAt);
        Assert.True(triedFor >= 2000, $"Given up {triedFor} ms after the first failure, before the schedule's 2 s.");
        // Sent on by the worker, not by the broker: no death of a retry's copy is carried along.
        Assert.False(deadLetter.Headers.ContainsKey("x-death"));
        Assert.Null(deadLetter.Expiration);
        Assert.Equal(0u, (await _probe.InspectAsync(_queue)).Ready);
    }

    [Fact]
    public async Task A_retry_that_the_broker_does_not_confirm_leaves_the_original_unacked_and_handed_back()
    {
        var failures = 1;
        _work.Handle = (_, _) => Interlocked.Decrement(ref failures) >= 0 ? throw new IOException("the store is away") : Task.CompletedTask;
        await using var worker = await StartWorkerAsync();
        // The first delay's queue is gone: the copy is unroutable, the broker returns it, and the publish fails.
        var retryQueue = Topology.RetryQueue(_queue, TimeSpan.FromMilliseconds(20));
        await _probe.DeleteQueueAsync(retryQueue);

        await _probe.PublishAsync(_queue, WorkItem.Named("kept"));
        await Eventually.HoldsAsync(() => !_work.Completed.IsEmpty, "the message handled on its second delivery");

        // Acked only after a confirmed copy: without one, the original itself came back (a redelivery, no copy).
        Assert.True(worker.HasLogged($"A retry on {_queue} could not be sent to {retryQueue}: the message is handed back instead"), "The failed retry was not logged.");
        Assert.Equal(["kept", "kept"], _work.Deliveries.Select(delivery => delivery.Message.Name));
        Assert.False(await _probe.ExistsAsync(retryQueue));
        QueueStatistics? work = null;
        await Eventually.HoldsAsync(async () => (work = await _probe.GetStatisticsAsync(_queue)).Acked >= 1, "the management API counting the ack");
        Assert.Equal(new QueueStatistics(Ready: 0, Unacknowledged: 0, Delivered: 2, Redelivered: 1, Acked: 1), work);
        Assert.Equal(0u, await _probe.CountDeadLettersAsync(_queue));
        Assert.Empty(_work.FailureCalls);
    }

    [Fact]
    public async Task A_message_that_kills_its_consumer_every_time_is_dead_lettered_by_the_delivery_limit()
    {
        // The worker declares the queue as services do; then a consumer takes the message and dies with it, again and
        // again, never settling it: retries on the schedule cannot bound that, the quorum queue's delivery limit does.
        await using (await StartWorkerAsync())
        {
        }

        await _probe.PublishAsync(_queue, WorkItem.Named("poison"));
        // A message given back by a closed channel may take a moment to be in the queue again: taken whenever it is.
        var crashes = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                if (await _probe.TakeAndCrashAsync(_queue))
                {
                    crashes++;
                }

                return await _probe.CountDeadLettersAsync(_queue) == 1;
            },
            "the message dead-lettered by the broker");

        Assert.Equal(WorkerHost.DeliveryLimit + 1, crashes);
        var deadLetter = Assert.Single(await _probe.PeekDeadLettersAsync(_queue));
        Assert.Equal("delivery_limit", deadLetter.Text("x-first-death-reason"));
        Assert.Empty(_work.Deliveries);
    }

    private Task<WorkerHost> StartWorkerAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        WorkerHost.StartAsync(broker, messaging => messaging.AddScriptedConsumer(_queue, _work), settings);
}
