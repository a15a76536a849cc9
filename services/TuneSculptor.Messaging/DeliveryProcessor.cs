using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using TuneSculptor.Contracts;
using TuneSculptor.Contracts.Telemetry;

namespace TuneSculptor.Messaging;

/// <summary>
/// Takes each delivery of one queue to the handler of its AMQP <c>type</c>, in a DI scope of its own, and settles it:
/// <list type="bullet">
/// <item>handled → ack, only once the work is durably done;</item>
/// <item>failed transiently → as the <see cref="RetryPolicy"/> decides: a copy goes to the retry queue of its delay
/// (confirmed, then the original is acked: nothing waits here, holding a consumer slot), or, once the queue's retries
/// are over, it fails for good; once the copy is confirmed the handler is told
/// (<see cref="IMessageHandler{TMessage}.OnRetryScheduledAsync"/>), which cannot hold up or undo the retry;</item>
/// <item>failed for good (permanently, or retries over) → the handler records it
/// (<see cref="IMessageHandler{TMessage}.OnFailedAsync"/>), then a copy with the reason goes to the dead-letter queue,
/// or for a permanent failure to the rejected queue (confirmed, then the original is acked);</item>
/// <item>cancelled by a shutdown → handed back;</item>
/// <item>a message that cannot be read at all, or of a type no handler takes → dead-lettered at once.</item>
/// </list>
/// It runs under RabbitMQ.Client's <c>deliver {queue}</c> span, a child of the publisher's span (from the message's
/// <c>traceparent</c>), so a job is one trace across services; the span gets the job id and the outcome.
/// </summary>
internal sealed partial class DeliveryProcessor(
    string queue,
    IEnumerable<MessageRoute> routes,
    IServiceScopeFactory scopes,
    RetryPolicy policy,
    DeliveryForwarder forwarder,
    TimeSpan failureRecordingTimeout,
    MessagingTelemetry telemetry,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>
    /// The longest wait between two tries at recording a failure: the message is held meanwhile, and the job should
    /// read failed soon after its store is back, whatever the queue's retry schedule.
    /// </summary>
    private static readonly TimeSpan MaxRecordingRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a handler may take to note a scheduled retry: the message is safe in its retry queue by then, but the
    /// consumer's slot is held until the note is done, and the store it writes to may be the very thing that is down.
    /// </summary>
    private static readonly TimeSpan RetryNoticeTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, MessageRoute> _routes = routes.ToDictionary(route => route.TypeName);

    public async Task ProcessAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken work)
    {
        var attempt = RetryPolicy.AttemptOf(delivery.BasicProperties);
        telemetry.RecordQueueWait(queue, delivery.BasicProperties, attempt);
        // The client's deliver span (when traced): ours to enrich, not to end.
        var activity = Activity.Current;
        var tag = delivery.DeliveryTag;
        var type = delivery.BasicProperties.Type;
        if (Read(type, delivery.Body.Span) is not { } read)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "unreadable message");
            await DeadLetterAsync(
                channel, delivery, DeadLetterCauses.Unreadable, $"A message of type {type ?? "(none)"} cannot be read.", attempt, firstFailedAt: null, failure: null);
            return;
        }

        var (route, message) = read;
        if (message is IJobMessage job)
        {
            activity?.SetTag(JobTelemetry.JobIdTag, job.JobId.ToString());
        }

        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await route.HandleAsync(scope.ServiceProvider, message, work);
            await SettleAsync(() => channel.BasicAckAsync(tag, multiple: false));
        }
        catch (OperationCanceledException) when (work.IsCancellationRequested)
        {
            // Shutting down: the message goes back for another instance (or this one, restarted).
            await SettleAsync(() => RetryPolicy.HandBackAsync(channel, tag));
        }
        catch (Exception ex)
        {
            activity.RecordFailure(ex);
            var now = time.GetUtcNow();
            var firstFailedAt = RetryPolicy.FirstFailedAt(delivery.BasicProperties) ?? now;
            switch (policy.Decide(ex, attempt, firstFailedAt, now))
            {
                case RetryDecision.FailForGood { Permanent: true } permanent:
                    LogPermanentFailure(ex, queue, message.Subject);
                    await FailAsync(channel, delivery, route, scope.ServiceProvider, message, permanent, attempt, firstFailedAt, ex, work);
                    break;
                case RetryDecision.FailForGood lastAttempt:
                    LogGaveUp(ex, queue, message.Subject, attempt, (now - firstFailedAt).TotalSeconds);
                    await FailAsync(channel, delivery, route, scope.ServiceProvider, message, lastAttempt, attempt, firstFailedAt, ex, work);
                    break;
                case RetryDecision.RetryLater retry:
                    LogRetrying(ex, queue, message.Subject, attempt, retry.Delay.TotalSeconds, Topology.RetryQueue(queue, retry.Tier));
                    if (await RetryLaterAsync(channel, delivery, retry, attempt, firstFailedAt, ex))
                    {
                        await NoteRetryAsync(route, scope.ServiceProvider, message, new RetryNotice(ex, attempt, firstFailedAt, now + retry.Delay), work);
                    }

                    break;
            }
        }
    }

    /// <summary>The route for <paramref name="type"/> and the message read by it; null (and logged) when there is none, or the body is unreadable.</summary>
    private (MessageRoute Route, IMessage Message)? Read(string? type, ReadOnlySpan<byte> body)
    {
        if (type is null || !_routes.TryGetValue(type, out var route))
        {
            LogUnreadable(null, queue, type ?? "(none)");
            return null;
        }

        try
        {
            if (route.Read(body) is { } message)
            {
                return (route, message);
            }

            LogUnreadable(null, queue, type);
        }
        catch (Exception ex)
        {
            // Malformed JSON (JsonException), but also a body the message type cannot be made from at all
            // (NotSupportedException, FormatException…): whatever it is, retrying cannot help, and an exception
            // escaping here would leave the delivery unsettled, held until the channel closes.
            LogUnreadable(ex, queue, type);
        }

        return null;
    }

    /// <summary>
    /// Sends a copy to wait in its retry queue, then acks the original; false when the copy could not be sent, which
    /// leaves the original unacked: it is handed back at once, counted by the queue's delivery limit, rather than lost.
    /// </summary>
    private Task<bool> RetryLaterAsync(
        IChannel channel, BasicDeliverEventArgs delivery, RetryDecision.RetryLater retry, int attempt, DateTimeOffset firstFailedAt, Exception failure) =>
        ForwardThenAckAsync(
            channel,
            delivery.DeliveryTag,
            () => forwarder.RetryLaterAsync(queue, delivery, retry, attempt, firstFailedAt, failure),
            ex => LogRetryNotSent(ex, queue, Topology.RetryQueue(queue, retry.Tier)),
            RetryPolicy.HandBackAsync);

    /// <summary>
    /// Sends a copy with the reason to the dead-letter queue, then acks the original. A copy that could not be sent
    /// leaves the broker to dead-letter the original (a reject), without the reason.
    /// </summary>
    private Task<bool> DeadLetterAsync(
        IChannel channel, BasicDeliverEventArgs delivery, string cause, string reason, int attempt, DateTimeOffset? firstFailedAt, Exception? failure) =>
        ForwardThenAckAsync(
            channel,
            delivery.DeliveryTag,
            () => forwarder.DeadLetterAsync(queue, delivery, cause, reason, attempt, firstFailedAt, failure),
            ex => LogDeadLetterNotSent(ex, queue),
            RetryPolicy.RejectToDeadLetterAsync);

    /// <summary>
    /// The handler's note of a retry now waiting (<see cref="IMessageHandler{TMessage}.OnRetryScheduledAsync"/>), within
    /// <see cref="RetryNoticeTimeout"/>. The retry does not depend on it: a note that fails is logged, nothing more.
    /// </summary>
    private async Task NoteRetryAsync(MessageRoute route, IServiceProvider services, IMessage message, RetryNotice notice, CancellationToken work)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(work);
        timeout.CancelAfter(RetryNoticeTimeout);
        try
        {
            await route.OnRetryScheduledAsync(services, message, notice, timeout.Token);
        }
        catch (Exception ex)
        {
            LogRetryNotNoted(ex, queue, message.Subject);
        }
    }

    /// <summary>
    /// Acks the delivery only once its copy is confirmed by the broker (<see cref="DeliveryForwarder"/>), and says so;
    /// when the copy could not be sent (refused, unroutable, not confirmed in time) it is settled by
    /// <paramref name="instead"/>, and false returned.
    /// </summary>
    private async Task<bool> ForwardThenAckAsync(
        IChannel channel, ulong tag, Func<Task> forward, Action<Exception> logNotSent, Func<IChannel, ulong, ValueTask> instead)
    {
        try
        {
            await forward();
        }
        catch (Exception ex)
        {
            logNotSent(ex);
            await SettleAsync(() => instead(channel, tag));
            return false;
        }

        await SettleAsync(() => channel.BasicAckAsync(tag, multiple: false));
        return true;
    }

    /// <summary>
    /// Records the failure, then dead-letters the message. While recording fails (the job store is down, say), the
    /// message is held and recording retried, so the job does not silently stay unfinished; after
    /// <see cref="MessagingOptions.FailureRecordingTimeout"/>, or on shutdown, it is handed back, and the broker
    /// dead-letters it once its delivery limit is spent.
    /// </summary>
    private async Task FailAsync(
        IChannel channel,
        BasicDeliverEventArgs delivery,
        MessageRoute route,
        IServiceProvider services,
        IMessage message,
        RetryDecision.FailForGood decision,
        int deliveryAttempt,
        DateTimeOffset firstFailedAt,
        Exception failure,
        CancellationToken work)
    {
        var giveUpAt = DateTime.UtcNow + failureRecordingTimeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await route.OnFailedAsync(services, message, decision.Reason, work);
                await DeadLetterAsync(channel, delivery, decision.Cause, decision.Reason, deliveryAttempt, firstFailedAt, failure);
                return;
            }
            catch (Exception ex) when (DateTime.UtcNow < giveUpAt && !work.IsCancellationRequested && channel.IsOpen)
            {
                var delay = TimeSpan.FromTicks(Math.Min(policy.Schedule.NominalDelay(attempt).Ticks, MaxRecordingRetryDelay.Ticks));
                LogRecordingRetried(ex, queue, message.Subject, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, work);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: hand it back below.
                }
            }
            catch (Exception ex)
            {
                LogRecordingFailed(ex, queue, message.Subject);
                await SettleAsync(() => RetryPolicy.HandBackAsync(channel, delivery.DeliveryTag));
                return;
            }
        }
    }

    /// <summary>
    /// An ack or reject after the connection was lost cannot reach the broker; the message is redelivered anyway.
    /// </summary>
    private async Task SettleAsync(Func<ValueTask> settle)
    {
        try
        {
            await settle();
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or ObjectDisposedException)
        {
            LogSettleFailed(ex, queue);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A message on {Queue} of type {Type} cannot be read: dead-lettered")]
    private partial void LogUnreadable(Exception? exception, string queue, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Subject} on {Queue} failed for good")]
    private partial void LogPermanentFailure(Exception exception, string queue, string subject);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Subject} on {Queue} failed on its last attempt ({Attempt}), {Seconds} s after its first failure: dead-lettered")]
    private partial void LogGaveUp(Exception exception, string queue, string subject, int attempt, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Subject} on {Queue} failed on attempt {Attempt}; retrying in {Seconds} s (waiting in {RetryQueue})")]
    private partial void LogRetrying(Exception exception, string queue, string subject, int attempt, double seconds, string retryQueue);

    [LoggerMessage(Level = LogLevel.Error, Message = "A retry on {Queue} could not be sent to {RetryQueue}: the message is handed back instead")]
    private partial void LogRetryNotSent(Exception exception, string queue, string retryQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Subject} on {Queue} waits to be retried, but its handler could not note that")]
    private partial void LogRetryNotNoted(Exception exception, string queue, string subject);

    [LoggerMessage(Level = LogLevel.Error, Message = "A dead letter of {Queue} could not be sent with its reason: the broker dead-letters the message without it")]
    private partial void LogDeadLetterNotSent(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the failure of {Subject} on {Queue} failed; trying again in {Seconds} s")]
    private partial void LogRecordingRetried(Exception exception, string queue, string subject, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the failure of {Subject} on {Queue} failed; the message goes back")]
    private partial void LogRecordingFailed(Exception exception, string queue, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle a delivery on {Queue}: the broker will redeliver it")]
    private partial void LogSettleFailed(Exception exception, string queue);
}
