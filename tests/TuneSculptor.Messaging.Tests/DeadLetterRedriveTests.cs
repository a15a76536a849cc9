using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging.Tests.Harness;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests;

/// <summary>
/// The redrive against a real broker: dead letters go back to their work queue (all, or one job's, the others left in
/// place and in order), each copy confirmed before its dead letter is acked, starting its retry schedule afresh, and
/// a message dead-lettered again during the run is not sent back twice.
/// </summary>
public sealed class DeadLetterRedriveTests(RabbitMQBroker broker) : IClassFixture<RabbitMQBroker>
{
    private readonly string _queue = $"tests-{Guid.NewGuid():N}";
    private readonly QueueProbe _probe = new(broker);
    private readonly HandlerScript<WorkItem> _work = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_dead_letter_goes_back_to_its_queue_and_is_handled()
    {
        var storeUp = false;
        _work.Handle = (_, _) => Volatile.Read(ref storeUp) ? Task.CompletedTask : throw new IOException("the store is away");
        await using var worker = await StartWorkerAsync();
        foreach (var name in new[] { "one", "two", "three" })
        {
            await worker.Publisher.PublishAsync(_queue, WorkItem.Named(name), Cancellation);
        }

        // Past the schedule's second: all three given up on, and dead-lettered with their reason.
        await Eventually.HoldsAsync(async () => await _probe.CountDeadLettersAsync(_queue) == 3, "the three messages dead-lettered");
        Volatile.Write(ref storeUp, true);

        var result = await RedriveAsync(job: null);

        Assert.Equal(new RedriveResult(_queue, Moved: 3, Left: 0), result);
        await Eventually.HoldsAsync(() => _work.Completed.Count == 3, "the three messages handled once redriven");
        Assert.Equal(["one", "three", "two"], _work.Completed.Select(message => message.Name).Order());
        Assert.Equal(0u, await _probe.CountDeadLettersAsync(_queue));
        Assert.Equal(0u, (await _probe.InspectAsync(_queue)).Ready);
        Assert.Equal(3, _work.FailureCalls.Count);
    }

    [Fact]
    public async Task One_jobs_dead_letters_go_back_and_the_others_stay_in_order()
    {
        var job = TestJobIds.New();
        // The job's: one as MessagePublisher sends it (the job id as correlation id), one known by its body alone.
        await PutDeadLetterAsync(new WorkItem(job, "mine-1"), correlated: true);
        await PutDeadLetterAsync(WorkItem.Named("other-1"), correlated: true);
        await PutDeadLetterAsync(new WorkItem(job, "mine-2"), correlated: false);
        await PutDeadLetterAsync(WorkItem.Named("other-2"), correlated: false);
        await PutDeadLetterAsync(WorkItem.Named("other-3"), correlated: true);

        var result = await RedriveAsync(job);

        Assert.Equal(new RedriveResult(_queue, Moved: 2, Left: 3), result);
        Assert.Equal(["mine-1", "mine-2"], Names(await _probe.PeekAsync(_queue)));
        Assert.Equal(["other-1", "other-2", "other-3"], Names(await _probe.PeekDeadLettersAsync(_queue)));

        // Again: nothing of the job's is left, and the others still keep their order.
        Assert.Equal(new RedriveResult(_queue, Moved: 0, Left: 3), await RedriveAsync(job));
        Assert.Equal(["other-1", "other-2", "other-3"], Names(await _probe.PeekDeadLettersAsync(_queue)));
        Assert.Equal(2u, (await _probe.InspectAsync(_queue)).Ready);
    }

    [Fact]
    public async Task A_redriven_message_starts_its_retry_schedule_afresh_and_keeps_its_identity()
    {
        var item = WorkItem.Named("afresh");
        var longAgo = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds();
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        await _probe.PublishDeadLetterAsync(_queue, new BasicProperties
        {
            Persistent = true,
            Type = MessageType.Of<WorkItem>(),
            MessageId = "message-1",
            CorrelationId = item.JobId.ToString(),
            Timestamp = new AmqpTimestamp(longAgo / 1000),
            Headers = new Dictionary<string, object?>
            {
                ["traceparent"] = traceparent,
                [MessagingTelemetry.PublishedAtHeader] = longAgo,
                [MessageHeaders.Attempt] = 12L,
                [MessageHeaders.FirstFailedAt] = longAgo,
                [MessageHeaders.RetryAt] = longAgo,
                [MessageHeaders.LastError] = "IOException: the store is away",
                [MessageHeaders.DeadLetterCause] = DeadLetterCauses.GaveUp,
                [MessageHeaders.DeadLetterReason] = RetryPolicy.GaveUpReason,
                [MessageHeaders.DeadLetteredAt] = longAgo,
                ["x-delivery-count"] = 3L,
                ["x-first-death-reason"] = "delivery_limit",
                ["x-first-death-queue"] = _queue,
                ["x-death"] = new List<object?> { new Dictionary<string, object?> { ["queue"] = _queue, ["reason"] = "delivery_limit", ["count"] = 1L } },
            },
        }, JsonSerializer.SerializeToUtf8Bytes(item, MessageType.JsonOptions));

        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(1, (await RedriveAsync(job: null)).Moved);

        var copy = Assert.Single(await _probe.PeekAsync(_queue));
        Assert.Equal(item, JsonSerializer.Deserialize<WorkItem>(copy.Body, MessageType.JsonOptions));
        Assert.Equal("message-1", copy.Properties!.MessageId);
        Assert.Equal(MessageType.Of<WorkItem>(), copy.Properties.Type);
        Assert.Equal(item.JobId.ToString(), copy.Properties.CorrelationId);
        Assert.Equal(traceparent, copy.Text("traceparent"));
        string[] spent =
        [
            MessageHeaders.Attempt, MessageHeaders.FirstFailedAt, MessageHeaders.RetryAt, MessageHeaders.LastError, MessageHeaders.DeadLetterCause,
            MessageHeaders.DeadLetterReason, MessageHeaders.DeadLetteredAt, "x-first-death-reason", "x-first-death-queue", "x-death",
        ];
        Assert.All(spent, header => Assert.False(copy.Headers.ContainsKey(header), $"{header} was kept"));
        // The broker counts the copy's own deliveries only (this peek's return: at most one).
        Assert.InRange(copy.Number("x-delivery-count") ?? 0, 0, 1);
        Assert.InRange(copy.Number(DeadLetterRedrive.RedrivenAtHeader)!.Value, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(copy.Number(DeadLetterRedrive.RedrivenAtHeader), copy.Number(MessagingTelemetry.PublishedAtHeader));

        // Its first failure starts the schedule (a second here): with its old first failure two hours back it would
        // have been given up on at once; it is retried, and handled.
        var failures = 2;
        _work.Handle = (_, _) => Interlocked.Decrement(ref failures) >= 0 ? throw new IOException("the store is still away") : Task.CompletedTask;
        await using var worker = await StartWorkerAsync();
        await Eventually.HoldsAsync(() => !_work.Completed.IsEmpty, "the redriven message handled on its third attempt");
        Assert.Equal(3, _work.Deliveries.Count);
        Assert.True(worker.HasLogged($"Job {item.JobId} on {_queue} failed on attempt 2; retrying"), "The second attempt was not counted from the redrive.");
        Assert.Empty(_work.FailureCalls);
        Assert.Equal(0u, await _probe.CountDeadLettersAsync(_queue));
    }

    [Fact]
    public async Task A_message_dead_lettered_again_during_the_redrive_is_not_sent_back_twice()
    {
        // The poison one first, then enough others that the run is still going when it is back in the dead-letter queue.
        const int Others = 300;
        await PutDeadLetterAsync(WorkItem.Named("poison"), correlated: true);
        for (var i = 0; i < Others; i++)
        {
            await PutDeadLetterAsync(WorkItem.Named($"fine-{i}"), correlated: true);
        }

        var poisonFailedAt = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The poison one fails transiently with no retries allowed: dead-lettered again at once, as given up.
        _work.Handle = (message, _) => message.Name == "poison" ? throw new IOException("still broken") : Task.CompletedTask;
        _work.Fail = (_, _) =>
        {
            poisonFailedAt.TrySetResult(Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        };
        await using var worker = await StartWorkerAsync(new Dictionary<string, string?> { [$"Messaging:Queues:{_queue}:Retry:GiveUpAfter"] = "00:00:00" });

        var result = await RedriveAsync(job: null);
        var redriveEnded = Stopwatch.GetTimestamp();

        // The run's bound: the dead letters there at its start, the poison one among them once.
        Assert.Equal(new RedriveResult(_queue, Moved: Others + 1, Left: 0), result);
        await Eventually.HoldsAsync(() => _work.Completed.Count == Others, "the others handled");
        await Eventually.HoldsAsync(async () => await _probe.CountDeadLettersAsync(_queue) == 1, "the poison message dead-lettered again");
        // What makes this test mean something: it was back while the run still took messages.
        var backBeforeTheEnd = Stopwatch.GetElapsedTime(await poisonFailedAt.Task, redriveEnded);
        Assert.True(backBeforeTheEnd > TimeSpan.FromMilliseconds(100), $"The poison message failed only {backBeforeTheEnd.TotalMilliseconds} ms before the run ended.");
        Assert.Single(_work.Deliveries, delivery => delivery.Message.Name == "poison");
        Assert.Equal(["poison"], Names(await _probe.PeekDeadLettersAsync(_queue)));
    }

    [Fact]
    public async Task A_queue_without_dead_letters_queue_is_refused_and_an_unreachable_broker_throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RedriveAsync(job: null, queue: $"missing-{Guid.NewGuid():N}"));
        var closedPort = new UriBuilder(broker.ConnectionString) { Port = FreePort() }.Uri.ToString();
        await Assert.ThrowsAsync<RabbitMQ.Client.Exceptions.BrokerUnreachableException>(() =>
            DeadLetterRedrive.RunAsync(closedPort, [_queue], null, Logger, Cancellation));
    }

    private static ILogger Logger => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private async Task<RedriveResult> RedriveAsync(JobId? job, string? queue = null) =>
        Assert.Single(await DeadLetterRedrive.RunAsync(broker.ConnectionString, [queue ?? _queue], job, Logger, Cancellation));

    /// <summary>A dead letter as the worker leaves one; <paramref name="correlated"/>: with the job id as correlation id.</summary>
    private Task PutDeadLetterAsync(WorkItem item, bool correlated) =>
        _probe.PublishDeadLetterAsync(_queue, new BasicProperties
        {
            Persistent = true,
            Type = MessageType.Of<WorkItem>(),
            MessageId = Guid.NewGuid().ToString("N"),
            CorrelationId = correlated ? item.JobId.ToString() : null,
            Headers = new Dictionary<string, object?>
            {
                [MessageHeaders.DeadLetterCause] = DeadLetterCauses.GaveUp,
                [MessageHeaders.DeadLetterReason] = Encoding.UTF8.GetBytes(RetryPolicy.GaveUpReason),
            },
        }, JsonSerializer.SerializeToUtf8Bytes(item, MessageType.JsonOptions));

    private static string[] Names(IEnumerable<PeekedMessage> messages) =>
        [.. messages.Select(message => JsonSerializer.Deserialize<WorkItem>(message.Body, MessageType.JsonOptions)!.Name)];

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<WorkerHost> StartWorkerAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        WorkerHost.StartAsync(broker, messaging => messaging.AddScriptedConsumer(_queue, _work), settings);
}
