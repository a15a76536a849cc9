using System.Text.Json;
using RabbitMQ.Client;
using TuneSculptor.Contracts;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>
/// The tests' own hands on the broker, beside the worker under test: publishes (well-formed or not) and reads queue
/// states, each time on a fresh connection, so that it works the same before and after a broker restart.
/// </summary>
public sealed class QueueProbe(RabbitMQBroker broker)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public Task PublishAsync<T>(string queue, T message) where T : IMessage =>
        PublishRawAsync(queue, MessageType.Of<T>(), JsonSerializer.SerializeToUtf8Bytes(message, MessageType.JsonOptions));

    /// <summary>Publishes any body as any AMQP type, persistent and confirmed, to <paramref name="queue"/> (declared as the worker declares it).</summary>
    public async Task PublishRawAsync(string queue, string? type, byte[] body)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Cancellation);
        await Topology.DeclareAsync(channel, queue, WorkerHost.DeliveryLimit, Cancellation);
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json", Type = type };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, Cancellation);
    }

    /// <summary>Messages ready in <paramref name="queue"/>, and its consumers (a passive declare: exact, unlike the management API).</summary>
    public async Task<(uint Ready, uint Consumers)> InspectAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        var state = await channel.QueueDeclarePassiveAsync(queue, Cancellation);
        return (state.MessageCount, state.ConsumerCount);
    }

    public async Task<uint> CountDeadLettersAsync(string queue) => (await InspectAsync(Topology.DeadLetterQueue(queue))).Ready;

    /// <summary>The bodies of the messages dead-lettered from <paramref name="queue"/>; they stay there.</summary>
    public async Task<IReadOnlyList<byte[]>> PeekDeadLettersAsync(string queue)
    {
        var bodies = new List<byte[]>();
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        while (await channel.BasicGetAsync(Topology.DeadLetterQueue(queue), autoAck: false, Cancellation) is { } message)
        {
            bodies.Add(message.Body.ToArray());
        }

        // Unacknowledged, they go back to the queue when the channel closes.
        return bodies;
    }

    private Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(broker.ConnectionString), AutomaticRecoveryEnabled = false }
            .CreateConnectionAsync("tests-probe", Cancellation);
}
