using TuneSculptor.Messaging.Tests.Harness;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests;

/// <summary>The broker stops and starts again under a running worker (on a broker of its own).</summary>
public sealed class BrokerRestartTests(RabbitMQBroker broker) : IClassFixture<RabbitMQBroker>
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(2);

    private readonly string _queue = $"tests-{Guid.NewGuid():N}";
    private readonly QueueProbe _probe = new(broker);
    private readonly HandlerScript<WorkItem> _work = new();

    [Fact]
    public async Task Consumption_resumes_once_the_broker_is_back()
    {
        await using var worker = await WorkerHost.StartAsync(broker, messaging => messaging.AddScriptedConsumer(_queue, _work));
        await _probe.PublishAsync(_queue, WorkItem.Named("before"));
        await Eventually.HoldsAsync(() => _work.Completed.Any(message => message.Name == "before"), "the message before the restart handled");

        await broker.StopAsync();
        await broker.StartAsync();

        // The client recovers the connection; the worker opens a new channel on it and consumes again.
        await Eventually.HoldsAsync(async () => (await _probe.InspectAsync(_queue)).Consumers == 1, "the worker consuming again", RecoveryTimeout);
        await _probe.PublishAsync(_queue, WorkItem.Named("after"));
        await Eventually.HoldsAsync(() => _work.Completed.Any(message => message.Name == "after"), "the message after the restart handled");
        Assert.Equal((0u, 1u), await _probe.InspectAsync(_queue));
        Assert.Empty(_work.FailureCalls);
    }
}
