using System.Globalization;
using RabbitMQ.Client;

namespace TuneSculptor.Messaging;

/// <summary>
/// Every work queue is a durable quorum queue with a delivery limit and a dead-letter queue beside it
/// (<c>video</c> → <c>video.dead-letter</c>: what an operator should look at and may replay), a queue of rejected
/// messages (<c>video.rejected</c>: permanent failures, already recorded and told), and, for its consumer's retries,
/// one retry queue per delay (<c>video.retry.1s</c>, <c>video.retry.2s</c>, …). Declaring is idempotent: each
/// service declares what it uses.
/// </summary>
public static class Topology
{
    public const string DeadLetterExchange = "dead-letter";

    public static string DeadLetterQueue(string queue) => $"{queue}.dead-letter";

    /// <summary>
    /// Where messages that failed permanently go (a video with no sound, say): their failure is recorded and their user
    /// told, so they are kept only for a look, apart from the dead letters that need one. Bad input is routine, and
    /// anyone can send it: the queue keeps the newest <see cref="RejectedLimit"/> for <see cref="RejectedFor"/>.
    /// </summary>
    public static string RejectedQueue(string queue) => $"{queue}.rejected";

    public const int RejectedLimit = 10_000;

    public static readonly TimeSpan RejectedFor = TimeSpan.FromDays(14);

    /// <summary>
    /// The retry queue of <paramref name="queue"/> whose messages wait <paramref name="delay"/>: named after the delay
    /// (whole seconds, else milliseconds), which is its time-to-live, so a name always comes with the same arguments
    /// and declaring it again never conflicts.
    /// </summary>
    public static string RetryQueue(string queue, TimeSpan delay)
    {
        var milliseconds = (long)Math.Round(delay.TotalMilliseconds);
        var label = milliseconds % 1000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000}s")
            : string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms");
        return $"{queue}.retry.{label}";
    }

    /// <summary>
    /// Declares the work queue, its dead-letter queue and its queue of rejected messages. The delivery limit bounds redeliveries of one copy of a
    /// message without a settle (a consumer that crashes on it, again and again): past it the broker dead-letters it.
    /// Retries on a schedule do not count toward it, as each goes through a retry queue as a new copy.
    /// </summary>
    public static async Task DeclareAsync(IChannel channel, string queue, int deliveryLimit, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(
            DeadLetterQueue(queue), durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(DeadLetterQueue(queue), DeadLetterExchange, routingKey: queue, cancellationToken: cancellationToken);
        // Classic: length and age limits with drop-head work alike on RabbitMQ 3.10 and 4.x.
        await channel.QueueDeclareAsync(
            RejectedQueue(queue), durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "classic",
                ["x-max-length"] = RejectedLimit,
                ["x-overflow"] = "drop-head",
                ["x-message-ttl"] = (long)RejectedFor.TotalMilliseconds,
            },
            cancellationToken: cancellationToken);
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

    /// <summary>
    /// Declares a retry queue for each of <paramref name="delays"/>: nobody consumes it; a message waits there until
    /// its time-to-live (the queue's, or its own shorter <c>expiration</c>) is over, and the broker then dead-letters it
    /// through the default exchange back to <paramref name="queue"/>. So a message waiting to be retried holds no
    /// consumer, no unacknowledged delivery and no memory of a service.
    /// <para>
    /// Classic queues: per-queue and per-message time-to-live and dead-lettering work alike on RabbitMQ 3.10 and 4.x.
    /// A message expires only at the head of its queue, so one with a shorter (jittered) expiration may wait behind
    /// another, but never longer than the queue's time-to-live. Classic dead-lettering is at-most-once: should the work
    /// queue be unavailable at that moment (a cluster whose quorum is lost) the copy would be dropped; with the single
    /// broker node run here and in deploy/k8s the work queue lives beside it.
    /// </para>
    /// </summary>
    public static async Task DeclareRetryQueuesAsync(IChannel channel, string queue, IEnumerable<TimeSpan> delays, CancellationToken cancellationToken)
    {
        foreach (var delay in delays)
        {
            await channel.QueueDeclareAsync(
                RetryQueue(queue, delay), durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?>
                {
                    ["x-queue-type"] = "classic",
                    ["x-message-ttl"] = (long)Math.Round(delay.TotalMilliseconds),
                    ["x-dead-letter-exchange"] = string.Empty,
                    ["x-dead-letter-routing-key"] = queue,
                },
                cancellationToken: cancellationToken);
        }
    }
}
