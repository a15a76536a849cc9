using RabbitMQ.Client;

namespace TuneSculptor.AppHost.Tests.Harness;

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

    public async ValueTask DisposeAsync() => await connection.DisposeAsync();
}
