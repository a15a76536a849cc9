using TuneSculptor.Messaging.Tests.Harness;

namespace TuneSculptor.Messaging.Tests;

/// <summary>
/// Work that outlives the broker's consumer timeout: the broker closes the channel and puts the message back, and the
/// worker lets the first run finish before it takes the message again, so it never runs twice at once.
/// </summary>
public sealed class ConsumerTimeoutTests(ImpatientRabbitMQBroker broker) : IClassFixture<ImpatientRabbitMQBroker>
{
    private readonly string _queue = $"tests-{Guid.NewGuid():N}";
    private readonly QueueProbe _probe = new(broker);
    private readonly HandlerScript<WorkItem> _work = new();
    private int _running;
    private int _mostAtOnce;

    [Fact]
    public async Task A_run_outliving_the_consumer_timeout_finishes_before_its_redelivery_starts()
    {
        var release = new TaskCompletionSource();
        var firstStarted = new TaskCompletionSource();
        _work.Handle = async (_, cancellationToken) =>
        {
            var running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _mostAtOnce, running);
            try
            {
                firstStarted.TrySetResult();
                await release.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        };
        await using var worker = await WorkerHost.StartAsync(broker, messaging => messaging.AddScriptedConsumer(_queue, _work));
        await _probe.PublishAsync(_queue, WorkItem.Named("long"));
        await firstStarted.Task.WaitAsync(Eventually.DefaultTimeout, TestContext.Current.CancellationToken);

        // Held past the timeout: the broker closes the channel and the message is back in the queue, with nobody
        // consuming it while the first run goes on.
        await Eventually.HoldsAsync(() => worker.HasLogged($"The channel consuming {_queue} was closed"), "the broker closed the channel");
        await Eventually.HoldsAsync(async () => await _probe.InspectAsync(_queue) == (1u, 0u), "the message back in the queue, not consumed");
        Assert.Single(_work.Deliveries);

        release.SetResult();
        await Eventually.HoldsAsync(() => _work.Completed.Count == 2, "the first run finished, then the redelivery handled");

        Assert.Equal(1, _mostAtOnce);
        Assert.Equal(2, _work.Deliveries.Count);
        Assert.Empty(_work.Cancelled);
        await worker.StopAsync();
        Assert.Equal((0u, 0u), await _probe.InspectAsync(_queue));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
