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
/// <item>failed → as the <see cref="RetryPolicy"/> decides: handed back after a delay, or failed for good, which the
/// handler records (<see cref="IMessageHandler{TMessage}.OnFailedAsync"/>) before the message is dead-lettered;</item>
/// <item>cancelled by a shutdown → handed back;</item>
/// <item>a message that cannot be read at all, or of a type no handler takes → dead-lettered at once.</item>
/// </list>
/// It runs under RabbitMQ.Client's <c>deliver {queue}</c> span, a child of the publisher's span (from the message's
/// <c>traceparent</c>), so a job is one trace across services; the span gets the job id and the outcome.
/// </summary>
internal sealed partial class DeliveryProcessor(
    string queue, IEnumerable<MessageRoute> routes, IServiceScopeFactory scopes, RetryPolicy policy, MessagingTelemetry telemetry, ILogger logger)
{
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
            await SettleAsync(() => RetryPolicy.DeadLetterAsync(channel, tag));
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
            switch (policy.Decide(ex, attempt))
            {
                case RetryDecision.FailForGood { Permanent: true } permanent:
                    LogPermanentFailure(ex, queue, message.Subject);
                    await FailAsync(channel, tag, route, scope.ServiceProvider, message, permanent.Reason, work);
                    break;
                case RetryDecision.FailForGood lastAttempt:
                    LogGaveUp(ex, queue, message.Subject, attempt);
                    await FailAsync(channel, tag, route, scope.ServiceProvider, message, lastAttempt.Reason, work);
                    break;
                case RetryDecision.HandBack handBack:
                    LogRetrying(ex, queue, message.Subject, attempt, handBack.Delay.TotalSeconds);
                    await HandBackLaterAsync(channel, tag, handBack.Delay, work);
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

    private async Task HandBackLaterAsync(IChannel channel, ulong tag, TimeSpan delay, CancellationToken work)
    {
        try
        {
            await Task.Delay(delay, work);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: hand it back now.
        }

        await SettleAsync(() => RetryPolicy.HandBackAsync(channel, tag));
    }

    /// <summary>
    /// Records the failure, then dead-letters the message. While recording fails (the job store is down, say), the
    /// message is held and recording retried, so the job does not silently stay unfinished; after
    /// <see cref="MessagingOptions.FailureRecordingTimeout"/>, or on shutdown, it is handed back, and the broker
    /// dead-letters it once its delivery limit is spent.
    /// </summary>
    private async Task FailAsync(
        IChannel channel, ulong tag, MessageRoute route, IServiceProvider services, IMessage message, string reason, CancellationToken work)
    {
        var giveUpAt = DateTime.UtcNow + policy.FailureRecordingTimeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await route.OnFailedAsync(services, message, reason, work);
                await SettleAsync(() => RetryPolicy.DeadLetterAsync(channel, tag));
                return;
            }
            catch (Exception ex) when (DateTime.UtcNow < giveUpAt && !work.IsCancellationRequested && channel.IsOpen)
            {
                var delay = policy.Delay(attempt);
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
                await SettleAsync(() => RetryPolicy.HandBackAsync(channel, tag));
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

    [LoggerMessage(Level = LogLevel.Error, Message = "{Subject} on {Queue} failed on its last attempt ({Attempt}): dead-lettered")]
    private partial void LogGaveUp(Exception exception, string queue, string subject, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Subject} on {Queue} failed on attempt {Attempt}; handing it back in {Seconds} s")]
    private partial void LogRetrying(Exception exception, string queue, string subject, int attempt, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the failure of {Subject} on {Queue} failed; trying again in {Seconds} s")]
    private partial void LogRecordingRetried(Exception exception, string queue, string subject, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the failure of {Subject} on {Queue} failed; the message goes back")]
    private partial void LogRecordingFailed(Exception exception, string queue, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle a delivery on {Queue}: the broker will redeliver it")]
    private partial void LogSettleFailed(Exception exception, string queue);
}
