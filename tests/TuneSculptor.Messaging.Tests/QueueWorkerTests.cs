using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging.Tests.Harness;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests;

/// <summary>
/// The queue worker against a real broker: dispatch, acknowledgement, permanent failures, poison messages, failure
/// recording and shutdown (retries: <see cref="DelayedRetryTests"/>). Each test has queues of its own.
/// </summary>
public sealed class QueueWorkerTests(RabbitMQBroker broker) : IClassFixture<RabbitMQBroker>
{
    private readonly string _queue = $"tests-{Guid.NewGuid():N}";
    private readonly QueueProbe _probe = new(broker);
    private readonly HandlerScript<WorkItem> _work = new();

    [Fact]
    public async Task Each_message_type_on_a_queue_goes_to_its_handler_in_a_scope_of_its_own_and_is_acked()
    {
        var other = new HandlerScript<OtherWorkItem>();
        await using var worker = await WorkerHost.StartAsync(broker, messaging => messaging
            .AddScriptedConsumer(_queue, _work)
            .AddScriptedConsumer(_queue, other));

        await worker.Publisher.PublishAsync(_queue, WorkItem.Named("first"), Cancellation);
        await worker.Publisher.PublishAsync(_queue, OtherWorkItem.Named("second"), Cancellation);
        await worker.Publisher.PublishAsync(_queue, WorkItem.Named("third"), Cancellation);
        await Eventually.HoldsAsync(() => _work.Completed.Count == 2 && other.Completed.Count == 1, "all three handled");

        Assert.Equal(["first", "third"], _work.Completed.Select(message => message.Name));
        Assert.Equal("second", Assert.Single(other.Completed).Name);
        Assert.Equal(3, _work.Deliveries.Select(d => d.Handler).Concat(other.Deliveries.Select(d => d.Handler)).Distinct().Count());
        await worker.StopAsync();
        Assert.Equal((0u, 0u), await _probe.InspectAsync(_queue));
        Assert.Equal(0u, await _probe.CountDeadLettersAsync(_queue));
        Assert.Empty(_work.FailureCalls);
    }

    [Fact]
    public async Task A_permanent_failure_is_failed_with_its_reason_and_rejected_without_a_retry_apart_from_the_dead_letters()
    {
        _work.Handle = (_, _) => throw new PermanentFailureException("This video has no sound to convert.");
        await using var worker = await StartWorkerAsync();

        await PublishThenWaitUntilRejectedAsync(WorkItem.Named("silent"));

        Assert.Single(_work.Deliveries);
        Assert.Equal(("silent", "This video has no sound to convert."), _work.Failures.Select(f => (f.Message.Name, f.Reason)).Single());
        // Nothing for an operator: the dead letters (which the health check counts) are only what a replay may mend.
        Assert.Equal(0u, await _probe.CountDeadLettersAsync(_queue));
        var deadLetter = Assert.Single(await _probe.PeekAsync(Topology.RejectedQueue(_queue)));
        Assert.Equal(DeadLetterCauses.Permanent, deadLetter.Text(MessageHeaders.DeadLetterCause));
        Assert.Equal("This video has no sound to convert.", deadLetter.Text(MessageHeaders.DeadLetterReason));
        Assert.Equal(1, deadLetter.Number(MessageHeaders.Attempt));
        Assert.StartsWith("PermanentFailureException: ", deadLetter.Text(MessageHeaders.LastError));
    }

    [Theory]
    [InlineData("tests.work-item.v1", "not json")]
    [InlineData("tests.work-item.v1", "null")]
    [InlineData("tests.work-item.v1", """{"job_id":"not a job id","name":"bad id"}""")]
    [InlineData("tests.unknown.v1", """{"job_id":"unknown type"}""")]
    [InlineData(null, """{"job_id":"no type"}""")]
    public async Task A_message_that_cannot_be_read_is_dead_lettered_at_once_without_a_handler(string? type, string body)
    {
        await using var worker = await StartWorkerAsync();

        await _probe.PublishRawAsync(_queue, type, Encoding.UTF8.GetBytes(body));
        await WaitUntilDeadLetteredAsync();

        var deadLetter = Assert.Single(await _probe.PeekDeadLettersAsync(_queue));
        Assert.Equal(body, Encoding.UTF8.GetString(deadLetter.Body));
        Assert.Equal(DeadLetterCauses.Unreadable, deadLetter.Text(MessageHeaders.DeadLetterCause));
        Assert.Empty(_work.Deliveries);
        Assert.Empty(_work.FailureCalls);
    }

    [Fact]
    public async Task A_failure_that_cannot_be_recorded_yet_holds_the_message_until_it_is_recorded()
    {
        var refusals = 2;
        _work.Handle = (_, _) => throw new PermanentFailureException("bad input");
        _work.Fail = (_, _) => Interlocked.Decrement(ref refusals) >= 0 ? throw new IOException("the job store is away") : Task.CompletedTask;
        await using var worker = await StartWorkerAsync();

        await PublishThenWaitUntilRejectedAsync(WorkItem.Named("held"));

        Assert.Single(_work.Deliveries);
        Assert.Equal(3, _work.FailureCalls.Count);
        Assert.Equal("held", Assert.Single(_work.Failures).Message.Name);
    }

    [Fact]
    public async Task Work_in_flight_when_the_service_stops_finishes_within_the_grace_and_is_acked()
    {
        var release = new TaskCompletionSource();
        var worker = await StartWorkingOnAsync("in flight", TimeSpan.FromMinutes(2), release.Task.WaitAsync);
        await using (worker)
        {
            var stopping = worker.StopAsync();
            // Stopped taking messages, yet still at work: the stop waits for it. (A quorum queue counts a cancelled
            // consumer until its messages are settled, so the worker's word is the sign here.)
            await Eventually.HoldsAsync(() => worker.HasLogged($"Stopped consuming {_queue}; finishing 1 in flight"), "consumption stopped");
            Assert.False(stopping.IsCompleted, "The service stopped before its work in flight was done.");
            release.SetResult();
            await stopping;
        }

        Assert.Equal("in flight", Assert.Single(_work.Completed).Name);
        Assert.Empty(_work.Cancelled);
        await AssertNeverRedeliveredAsync("in flight");
    }

    [Fact]
    public async Task Work_still_going_when_the_grace_is_over_is_cancelled_and_goes_back_to_the_queue()
    {
        var worker = await StartWorkingOnAsync("too long", TimeSpan.FromMilliseconds(100), cancellationToken => Task.Delay(Timeout.Infinite, cancellationToken));
        await worker.DisposeAsync(); // stops it: the grace runs out while the work goes on

        Assert.Equal("too long", Assert.Single(_work.Cancelled).Name);
        await Eventually.HoldsAsync(async () => (await _probe.InspectAsync(_queue)).Ready == 1, "the message back in the queue");

        // Handed back, not failed: the next worker gets it.
        _work.Handle = (_, _) => Task.CompletedTask;
        await using var next = await StartWorkerAsync();
        await Eventually.HoldsAsync(() => !_work.Completed.IsEmpty, "the message handled by the next worker");
        Assert.Equal("too long", Assert.Single(_work.Completed).Name);
        Assert.Empty(_work.FailureCalls);
        Assert.Equal(0u, await _probe.CountDeadLettersAsync(_queue));
    }

    private Task<WorkerHost> StartWorkerAsync() =>
        WorkerHost.StartAsync(broker, messaging => messaging.AddScriptedConsumer(_queue, _work));

    /// <summary>
    /// Starts a worker whose queue gives work in flight <paramref name="grace"/> at a stop, and returns once it is at
    /// work on the message <paramref name="jobId"/>, which does <paramref name="work"/>.
    /// </summary>
    private async Task<WorkerHost> StartWorkingOnAsync(string jobId, TimeSpan grace, Func<CancellationToken, Task> work)
    {
        var started = new TaskCompletionSource();
        _work.Handle = async (_, cancellationToken) =>
        {
            started.TrySetResult();
            await work(cancellationToken);
        };
        var worker = await WorkerHost.StartAsync(broker, messaging => messaging
            .AddScriptedConsumer(_queue, _work)
            .Services.Configure<QueueOptions>(_queue, queue => queue.ShutdownGrace = grace));
        try
        {
            await _probe.PublishAsync(_queue, WorkItem.Named(jobId));
            await started.Task.WaitAsync(Eventually.DefaultTimeout, Cancellation);
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    private async Task PublishThenWaitUntilRejectedAsync(WorkItem item)
    {
        await _probe.PublishAsync(_queue, item);
        await Eventually.HoldsAsync(async () => await _probe.CountRejectedAsync(_queue) == 1, "the message rejected");
    }

    private Task WaitUntilDeadLetteredAsync() =>
        Eventually.HoldsAsync(async () => await _probe.CountDeadLettersAsync(_queue) == 1, "the message dead-lettered");

    /// <summary>
    /// A message that was acked never comes back: a later worker gets the message published after it, and not it
    /// (a message handed back is delivered again before newer ones).
    /// </summary>
    private async Task AssertNeverRedeliveredAsync(string jobId)
    {
        var later = new HandlerScript<WorkItem>();
        await using var next = await WorkerHost.StartAsync(broker, messaging => messaging.AddScriptedConsumer(_queue, later));
        await _probe.PublishAsync(_queue, WorkItem.Named("later"));
        await Eventually.HoldsAsync(() => later.Completed.Any(message => message.Name == "later"), "the later message handled");
        Assert.DoesNotContain(later.Deliveries, delivery => delivery.Message.Name == jobId);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
