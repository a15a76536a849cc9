using Aspire.Hosting;
using TuneSculptor.Hosting.RabbitMQ;
using TuneSculptor.Testing;

namespace TuneSculptor.Messaging.Tests;

/// <summary>
/// A broker that closes a consumer's channel once it has held a delivery unacknowledged for <see cref="ConsumerTimeout"/>,
/// as the production broker does after its (much longer) consumer timeout; its channels check every half second
/// rather than every minute.
/// </summary>
public sealed class ImpatientRabbitMQBroker : RabbitMQBroker
{
    public static readonly TimeSpan ConsumerTimeout = TimeSpan.FromSeconds(2);

    protected override Task<SingleServer> StartServerAsync(CancellationToken cancellationToken) =>
        SingleServer.StartRabbitMQAsync(
            broker => broker.WithConsumerTimeout(ConsumerTimeout).WithEnvironment("RABBITMQ_CHANNEL_TICK_MS", "500"),
            cancellationToken);
}
