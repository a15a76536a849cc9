using System.Text;
using RabbitMQ.Client;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Harness;

/// <summary>What the broker says of a queue right now (a passive declare: exact, unlike the management API's stats).</summary>
public sealed class BrokerQueues(IConnection connection) : IAsyncDisposable
{
    public static async Task<BrokerQueues> ConnectAsync(HostProcessSystem system, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri((await system.App.GetConnectionStringAsync("rabbitmq", cancellationToken))!) };
        return new BrokerQueues(await factory.CreateConnectionAsync("tests", cancellationToken));
    }

    /// <summary>Messages ready for delivery, and consumers attached.</summary>
    public async Task<(uint Ready, uint Consumers)> InspectAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var state = await channel.QueueDeclarePassiveAsync(queue, cancellationToken);
        return (state.MessageCount, state.ConsumerCount);
    }

    /// <summary>Messages waiting in the pipeline's dead-letter queues, for an operator.</summary>
    public async Task<uint> CountDeadLettersAsync(CancellationToken cancellationToken) =>
        (await InspectAsync("video.dead-letter", cancellationToken)).Ready + (await InspectAsync("mp3.dead-letter", cancellationToken)).Ready;

    /// <summary>The bodies and headers of the messages a queue holds; they stay in it (read unacknowledged, then handed back).</summary>
    public async Task<IReadOnlyList<(string Body, IDictionary<string, object?> Headers)>> PeekAsync(string queue, CancellationToken cancellationToken)
    {
        var messages = new List<(string, IDictionary<string, object?>)>();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        while (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
        {
            messages.Add((Encoding.UTF8.GetString(message.Body.Span), message.BasicProperties.Headers ?? new Dictionary<string, object?>()));
        }

        // Closing the channel returns every unacknowledged message to the queue.
        await channel.CloseAsync(cancellationToken);
        return messages;
    }

    /// <summary>Drops every message ready in the queue, as a lost message would be gone; returns how many.</summary>
    public async Task<uint> PurgeAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return await channel.QueuePurgeAsync(queue, cancellationToken);
    }

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}
