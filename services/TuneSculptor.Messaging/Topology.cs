using RabbitMQ.Client;

namespace TuneSculptor.Messaging;

/// <summary>
/// Every work queue is a durable quorum queue with a delivery limit and a dead-letter queue beside it
/// (<c>video</c> → <c>video.dead-letter</c>). Declaring is idempotent: each service declares what it uses.
/// </summary>
public static class Topology
{
    public const string DeadLetterExchange = "dead-letter";

    public static string DeadLetterQueue(string queue) => $"{queue}.dead-letter";

    public static async Task DeclareAsync(IChannel channel, string queue, int deliveryLimit, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(
            DeadLetterQueue(queue), durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(DeadLetterQueue(queue), DeadLetterExchange, routingKey: queue, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(
            queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = deliveryLimit,
                ["x-dead-letter-exchange"] = DeadLetterExchange,
                ["x-dead-letter-routing-key"] = queue,
            },
            cancellationToken: cancellationToken);
    }
}
