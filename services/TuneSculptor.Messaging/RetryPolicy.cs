using System.Globalization;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging;

/// <summary>
/// The retry and dead-letter policy. A failed message is handed back after a growing delay while deliveries remain,
/// and fails for good when the failure is permanent or its last allowed delivery failed. Deliveries are counted by the
/// broker (the quorum queue's <c>x-delivery-count</c>, bounded by the <c>x-delivery-limit</c> that
/// <see cref="Topology"/> declares), so the count survives consumers that crash or restart.
/// </summary>
internal sealed class RetryPolicy(IOptions<MessagingOptions> options)
{
    public const string GaveUpReason = "It could not be processed after several attempts; please try again later.";

    /// <summary>How long a message that failed for good is held while its failure cannot be recorded.</summary>
    public TimeSpan FailureRecordingTimeout => options.Value.FailureRecordingTimeout;

    /// <summary>Which delivery of the message this is, from 1: the quorum queue counts earlier ones in <c>x-delivery-count</c> (absent on the first).</summary>
    public static int AttemptOf(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue("x-delivery-count", out var value) == true && value is not null
            ? Convert.ToInt32(value, CultureInfo.InvariantCulture) + 1
            : 1;

    public RetryDecision Decide(Exception failure, int attempt) => failure switch
    {
        PermanentFailureException permanent => new RetryDecision.FailForGood(permanent.Message, Permanent: true),
        _ when attempt > options.Value.DeliveryLimit => new RetryDecision.FailForGood(GaveUpReason, Permanent: false),
        _ => new RetryDecision.HandBack(Delay(attempt)),
    };

    /// <summary>The wait after the <paramref name="attempt"/>th failure: the first delay, doubled each time, up to the maximum.</summary>
    public TimeSpan Delay(int attempt)
    {
        var settings = options.Value;
        var delay = settings.RetryDelay * Math.Pow(2, Math.Max(0, attempt - 1));
        return delay < settings.MaxRetryDelay ? delay : settings.MaxRetryDelay;
    }

    /// <summary>
    /// Hands a delivery back to be delivered again: a reject with requeue, which the quorum queue counts toward its
    /// delivery limit on RabbitMQ 3.x and 4.x alike (from 4.3 a nack with requeue no longer counts: rabbitmq-server#15387).
    /// </summary>
    public static ValueTask HandBackAsync(IChannel channel, ulong deliveryTag) => channel.BasicRejectAsync(deliveryTag, requeue: true);

    /// <summary>Sends a delivery to the queue's dead-letter queue (its <c>x-dead-letter-exchange</c>), never to be retried.</summary>
    public static ValueTask DeadLetterAsync(IChannel channel, ulong deliveryTag) => channel.BasicRejectAsync(deliveryTag, requeue: false);
}
