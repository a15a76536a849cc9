using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using TuneSculptor.Contracts;
using TuneSculptor.ServiceDefaults.Telemetry;

namespace TuneSculptor.Messaging;

/// <summary>Thrown by a handler when retrying cannot help (bad input); <see cref="Exception.Message"/> is for the user.</summary>
public sealed class PermanentFailureException(string reason, Exception? innerException = null) : Exception(reason, innerException);

/// <summary>
/// Consumes one queue with manual acknowledgements:
/// <list type="bullet">
/// <item>handled → ack, only once the work is durably done;</item>
/// <item><see cref="PermanentFailureException"/> → <see cref="OnFailedAsync"/> (record it, tell the user), then
/// dead-lettered without retry;</item>
/// <item>any other exception → handed back after a growing delay (reject with requeue, which the quorum queue counts
/// on RabbitMQ 3.x and 4.x alike) until its last allowed delivery, which fails it like a permanent failure;</item>
/// <item>a message that cannot be read at all → dead-lettered at once.</item>
/// </list>
/// On shutdown it stops taking messages, lets work in flight finish within <see cref="ShutdownGrace"/>, then cancels
/// it, and what was cancelled goes back to the queue. A channel the broker closes is reopened; a lost connection is
/// recovered by the client.
/// Handlers run under RabbitMQ.Client's <c>deliver {queue}</c> span, a child of the publisher's span (from the
/// message's <c>traceparent</c>), so a job is one trace across services; the span gets the job id and the outcome.
/// </summary>
public abstract partial class QueueConsumer(
    IConnection connection, IOptions<MessagingOptions> options, MessagingTelemetry telemetry, ILogger logger) : BackgroundService
{
    private readonly CancellationTokenSource _workCancellation = new();
    private readonly Lock _inFlightLock = new();
    private int _inFlight;
    private TaskCompletionSource? _idle;

    protected abstract string Queue { get; }

    /// <summary>The message types this queue carries, by their AMQP <c>type</c>.</summary>
    protected abstract IReadOnlyCollection<Type> MessageTypes { get; }

    /// <summary>Messages handled at once (and fetched ahead).</summary>
    protected virtual ushort Concurrency => 1;

    /// <summary>How long work in flight may go on after a stop is asked for.</summary>
    protected virtual TimeSpan ShutdownGrace => TimeSpan.FromSeconds(20);

    protected abstract Task HandleAsync(IMessage message, CancellationToken cancellationToken);

    /// <summary>The message failed for good: record why and tell whoever should know. Called once per message.</summary>
    protected abstract Task OnFailedAsync(IMessage message, string reason, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var types = MessageTypes.ToDictionary(MessageType.Of);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilChannelClosesAsync(types, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogChannelFailed(ex, Queue);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopping ends consumption (see ConsumeUntilChannelClosesAsync); work in flight gets ShutdownGrace to
        // finish, then is cancelled, which hands its message back.
        _workCancellation.CancelAfter(ShutdownGrace);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _workCancellation.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task ConsumeUntilChannelClosesAsync(Dictionary<string, Type> types, CancellationToken stoppingToken)
    {
        var limit = options.Value.DeliveryLimit;
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: Concurrency),
            stoppingToken);
        await Topology.DeclareAsync(channel, Queue, limit, stoppingToken);
        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: Concurrency, global: false, stoppingToken);

        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, _) =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(channel, delivery, types, limit);
        var consumerTag = await channel.BasicConsumeAsync(Queue, autoAck: false, consumer, stoppingToken);
        LogConsuming(Queue, Concurrency);

        await Task.WhenAny(closed.Task, Task.Delay(Timeout.Infinite, stoppingToken));
        if (stoppingToken.IsCancellationRequested && channel.IsOpen)
        {
            // No new deliveries, but the channel stays open until work in flight has acked or handed back on it.
            await channel.BasicCancelAsync(consumerTag, noWait: false, CancellationToken.None);
            LogStoppedConsuming(Queue, Volatile.Read(ref _inFlight));
            await WhenIdle();
        }
    }

    private async Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, Dictionary<string, Type> types, int limit)
    {
        lock (_inFlightLock)
        {
            _inFlight++;
        }

        try
        {
            await HandleDeliveryAsync(channel, delivery, types, limit);
        }
        finally
        {
            lock (_inFlightLock)
            {
                if (--_inFlight == 0)
                {
                    _idle?.TrySetResult();
                }
            }
        }
    }

    private async Task HandleDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, Dictionary<string, Type> types, int limit)
    {
        var attempt = DeliveryCount(delivery.BasicProperties) + 1;
        telemetry.RecordQueueWait(Queue, delivery.BasicProperties, attempt);
        // The client's deliver span (when traced): ours to enrich, not to end.
        var activity = Activity.Current;
        var tag = delivery.DeliveryTag;
        var type = delivery.BasicProperties.Type;
        IMessage? message;
        try
        {
            message = type is not null && types.TryGetValue(type, out var messageType)
                ? (IMessage?)JsonSerializer.Deserialize(delivery.Body.Span, messageType, MessageType.JsonOptions)
                : null;
        }
        catch (JsonException)
        {
            message = null;
        }

        if (message is null)
        {
            LogUnreadable(Queue, type ?? "(none)");
            activity?.SetStatus(ActivityStatusCode.Error, "unreadable message");
            await SettleAsync(() => channel.BasicRejectAsync(tag, requeue: false));
            return;
        }

        activity?.SetTag(ServiceTelemetry.JobIdTag, message.JobId.ToString());
        var work = _workCancellation.Token;
        try
        {
            await HandleAsync(message, work);
            await SettleAsync(() => channel.BasicAckAsync(tag, multiple: false));
        }
        catch (OperationCanceledException) when (work.IsCancellationRequested)
        {
            // Shutting down: the message goes back for another instance (or this one, restarted).
            await SettleAsync(() => channel.BasicRejectAsync(tag, requeue: true));
        }
        catch (PermanentFailureException ex)
        {
            LogPermanentFailure(ex, Queue, message.JobId.ToString());
            activity.RecordFailure(ex);
            await FailAsync(channel, tag, message, ex.Message, work);
        }
        catch (Exception ex) when (attempt > limit)
        {
            LogGaveUp(ex, Queue, message.JobId.ToString(), attempt);
            activity.RecordFailure(ex);
            await FailAsync(channel, tag, message, "It could not be processed after several attempts; please try again later.", work);
        }
        catch (Exception ex)
        {
            var delay = RetryDelay(attempt);
            LogRetrying(ex, Queue, message.JobId.ToString(), attempt, delay.TotalSeconds);
            activity.RecordFailure(ex);
            try
            {
                await Task.Delay(delay, work);
            }
            catch (OperationCanceledException)
            {
                // Shutting down: hand it back now.
            }

            await SettleAsync(() => channel.BasicRejectAsync(tag, requeue: true));
        }
    }

    /// <summary>
    /// Records the failure, then dead-letters the message. While recording fails (the job store is down, say), the
    /// message is held and recording retried, so the job does not silently stay unfinished; after
    /// <see cref="MessagingOptions.FailureRecordingTimeout"/>, or on shutdown, it is handed back, and the broker
    /// dead-letters it once its delivery limit is spent.
    /// </summary>
    private async Task FailAsync(IChannel channel, ulong tag, IMessage message, string reason, CancellationToken cancellationToken)
    {
        var giveUpAt = DateTime.UtcNow + options.Value.FailureRecordingTimeout;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await OnFailedAsync(message, reason, cancellationToken);
                await SettleAsync(() => channel.BasicRejectAsync(tag, requeue: false));
                return;
            }
            catch (Exception ex) when (DateTime.UtcNow < giveUpAt && !cancellationToken.IsCancellationRequested && channel.IsOpen)
            {
                var delay = RetryDelay(attempt);
                LogRecordingRetried(ex, Queue, message.JobId.ToString(), delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down: hand it back below.
                }
            }
            catch (Exception ex)
            {
                LogRecordingFailed(ex, Queue, message.JobId.ToString());
                await SettleAsync(() => channel.BasicRejectAsync(tag, requeue: true));
                return;
            }
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var settings = options.Value;
        var delay = settings.RetryDelay * Math.Pow(2, Math.Max(0, attempt - 1));
        return delay < settings.MaxRetryDelay ? delay : settings.MaxRetryDelay;
    }

    /// <summary>Quorum queues count earlier deliveries in <c>x-delivery-count</c> (absent on the first).</summary>
    private static int DeliveryCount(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue("x-delivery-count", out var value) == true && value is not null
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    private Task WhenIdle()
    {
        lock (_inFlightLock)
        {
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight == 0)
            {
                _idle.TrySetResult();
            }

            return _idle.Task;
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
            LogSettleFailed(ex, Queue);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue}, {Concurrency} at a time")]
    private partial void LogConsuming(string queue, int concurrency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped consuming {Queue}; finishing {InFlight} in flight")]
    private partial void LogStoppedConsuming(string queue, int inFlight);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The channel consuming {Queue} failed; reopening it")]
    private partial void LogChannelFailed(Exception exception, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "A message on {Queue} of type {Type} cannot be read: dead-lettered")]
    private partial void LogUnreadable(string queue, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} on {Queue} failed for good")]
    private partial void LogPermanentFailure(Exception exception, string queue, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} on {Queue} failed on its last attempt ({Attempt}): dead-lettered")]
    private partial void LogGaveUp(Exception exception, string queue, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} on {Queue} failed on attempt {Attempt}; handing it back in {Seconds} s")]
    private partial void LogRetrying(Exception exception, string queue, string jobId, int attempt, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the failure of job {JobId} on {Queue} failed; trying again in {Seconds} s")]
    private partial void LogRecordingRetried(Exception exception, string queue, string jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the failure of job {JobId} on {Queue} failed; the message goes back")]
    private partial void LogRecordingFailed(Exception exception, string queue, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle a delivery on {Queue}: the broker will redeliver it")]
    private partial void LogSettleFailed(Exception exception, string queue);
}
