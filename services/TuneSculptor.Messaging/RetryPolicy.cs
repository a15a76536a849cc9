using System.Globalization;
using RabbitMQ.Client;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging;

/// <summary>
/// The retry and dead-letter policy of one queue. A permanent failure fails for good at once; a transient one is tried
/// again on the queue's <see cref="RetrySchedule"/> until <see cref="RetrySchedule.GiveUpAfter"/> has passed since the
/// message first failed, then fails for good. Attempts and the first failure are counted in the message's own headers
/// (<see cref="MessageHeaders"/>), as a retried message is a new copy to the broker.
/// </summary>
internal sealed class RetryPolicy(RetrySchedule schedule, Random random)
{
    public const string GaveUpReason = "It could not be processed after several attempts; please try again later.";

    public RetrySchedule Schedule => schedule;

    /// <summary>
    /// Which attempt at the message this delivery is, from 1: the attempt its copy was sent for
    /// (<see cref="MessageHeaders.Attempt"/>), plus the deliveries of that copy the quorum queue counted before
    /// (<c>x-delivery-count</c>: a consumer that crashed or stopped with it).
    /// </summary>
    public static int AttemptOf(IReadOnlyBasicProperties properties) =>
        ReadInt64(properties, MessageHeaders.Attempt) is { } attempt
            ? (int)Math.Clamp(attempt, 1, int.MaxValue / 2) + RedeliveriesOf(properties)
            : 1 + RedeliveriesOf(properties);

    /// <summary>When handling the message first failed; null while it never has.</summary>
    public static DateTimeOffset? FirstFailedAt(IReadOnlyBasicProperties properties) =>
        ReadInt64(properties, MessageHeaders.FirstFailedAt) is { } milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;

    /// <summary>
    /// What becomes of a message whose <paramref name="attempt"/>th try failed with <paramref name="failure"/> at
    /// <paramref name="now"/>, having first failed at <paramref name="firstFailedAt"/> (this time, for a first failure).
    /// </summary>
    public RetryDecision Decide(Exception failure, int attempt, DateTimeOffset firstFailedAt, DateTimeOffset now)
    {
        if (failure is PermanentFailureException permanent)
        {
            return new RetryDecision.FailForGood(permanent.Message, Permanent: true);
        }

        if (now - firstFailedAt >= schedule.GiveUpAfter)
        {
            return new RetryDecision.FailForGood(GaveUpReason, Permanent: false);
        }

        var tier = schedule.NominalDelay(attempt);
        // Shortened, never lengthened: the copy waits in the tier's queue, whose time-to-live is the full delay.
        var delay = TimeSpan.FromMilliseconds(Math.Max(1, Math.Round(tier.TotalMilliseconds * (1 - (schedule.Jitter * random.NextDouble())))));
        return new RetryDecision.RetryLater(tier, delay);
    }

    /// <summary>
    /// Hands a delivery back to be delivered again at once: a reject with requeue, which the quorum queue counts toward
    /// its delivery limit on RabbitMQ 3.x and 4.x alike (from 4.3 a nack with requeue no longer counts:
    /// rabbitmq-server#15387). For work cancelled by a shutdown, and for a retry that could not be sent.
    /// </summary>
    public static ValueTask HandBackAsync(IChannel channel, ulong deliveryTag) => channel.BasicRejectAsync(deliveryTag, requeue: true);

    /// <summary>
    /// Has the broker dead-letter a delivery (through the queue's <c>x-dead-letter-exchange</c>), without the reason
    /// headers: only when a copy with them could not be sent.
    /// </summary>
    public static ValueTask RejectToDeadLetterAsync(IChannel channel, ulong deliveryTag) => channel.BasicRejectAsync(deliveryTag, requeue: false);

    private static int RedeliveriesOf(IReadOnlyBasicProperties properties) =>
        (int)Math.Clamp(ReadInt64(properties, "x-delivery-count") ?? 0, 0, int.MaxValue / 2);

    /// <summary>A number header; null when absent, or not a number (which no publisher of ours writes: it counts as absent).</summary>
    private static long? ReadInt64(IReadOnlyBasicProperties properties, string header)
    {
        if (properties.Headers?.TryGetValue(header, out var value) != true || value is null)
        {
            return null;
        }

        try
        {
            return Convert.ToInt64(value, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            return null;
        }
    }
}
