using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace TuneSculptor.Messaging;

/// <summary>
/// Sends a copy of a delivery on, confirmed by the broker, with the headers that tell its story
/// (<see cref="MessageHeaders"/>): to the retry queue of its delay, or with the reason to the dead-letter queue (a
/// permanent failure: to the rejected queue, <see cref="Topology.RejectedQueue"/>). The
/// caller acks the original only once this returned, so the message is never in neither place: a crash in between
/// leaves it in both, and the original is delivered again beside the copy (the handlers are safe to repeat: the
/// converter finds the job done or leased, the notification finds the mail sent).
/// </summary>
internal sealed class DeliveryForwarder(MessagePublisher publisher, TimeProvider time)
{
    public Task RetryLaterAsync(
        string queue, BasicDeliverEventArgs delivery, RetryDecision.RetryLater retry, int attempt, DateTimeOffset firstFailedAt, Exception error)
    {
        var properties = CopyOf(delivery.BasicProperties, error);
        var headers = properties.Headers!;
        headers[MessageHeaders.Attempt] = (long)attempt + 1;
        headers[MessageHeaders.FirstFailedAt] = firstFailedAt.ToUnixTimeMilliseconds();
        headers[MessageHeaders.RetryAt] = (time.GetUtcNow() + retry.Delay).ToUnixTimeMilliseconds();
        // Shorter than the queue's time-to-live by the jitter.
        properties.Expiration = ((long)retry.Delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Not cancelled by a shutdown: the copy is settled one way or the other within the publish timeout.
        return publisher.PublishCopyAsync(string.Empty, Topology.RetryQueue(queue, retry.Tier), properties, delivery.Body, CancellationToken.None);
    }

    public Task DeadLetterAsync(
        string queue, BasicDeliverEventArgs delivery, string cause, string reason, int attempt, DateTimeOffset? firstFailedAt, Exception? error)
    {
        var properties = CopyOf(delivery.BasicProperties, error);
        var headers = properties.Headers!;
        headers[MessageHeaders.DeadLetterCause] = cause;
        headers[MessageHeaders.DeadLetterReason] = reason;
        headers[MessageHeaders.DeadLetteredAt] = time.GetUtcNow().ToUnixTimeMilliseconds();
        headers[MessageHeaders.Attempt] = (long)attempt;
        if (firstFailedAt is { } first)
        {
            headers[MessageHeaders.FirstFailedAt] = first.ToUnixTimeMilliseconds();
        }

        // A permanent failure is recorded and told already, and replaying it cannot help: kept apart from the dead
        // letters an operator must look at (and which the health check counts).
        return cause == DeadLetterCauses.Permanent
            ? publisher.PublishCopyAsync(string.Empty, Topology.RejectedQueue(queue), properties, delivery.Body, CancellationToken.None)
            : publisher.PublishCopyAsync(Topology.DeadLetterExchange, queue, properties, delivery.Body, CancellationToken.None);
    }

    /// <summary>
    /// The delivery's properties and headers (its id, type, correlation, publish time, trace context), without what the
    /// broker counted on the original (its deliveries, its deaths), which would be wrong on a new copy.
    /// </summary>
    private static BasicProperties CopyOf(IReadOnlyBasicProperties original, Exception? error)
    {
        var headers = original.Headers?
            .Where(header => header.Key != "x-delivery-count" && !MessageHeaders.BrokerDeathHeaders.Contains(header.Key))
            .ToDictionary(header => header.Key, header => header.Value)
            ?? [];
        if (error is not null)
        {
            var text = $"{error.GetType().Name}: {error.Message}";
            headers[MessageHeaders.LastError] = text.Length <= MessageHeaders.MaxErrorLength ? text : text[..MessageHeaders.MaxErrorLength];
        }

        return new BasicProperties(original) { Headers = headers, Expiration = null, Persistent = true };
    }
}
