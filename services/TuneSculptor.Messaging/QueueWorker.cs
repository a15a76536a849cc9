using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace TuneSculptor.Messaging;

/// <summary>
/// Consumes one queue with manual acknowledgements, <see cref="QueueOptions.Concurrency"/> messages at a time, each
/// handed to the <see cref="DeliveryProcessor"/>. On shutdown it stops taking messages, lets work in flight finish
/// within <see cref="QueueOptions.ShutdownGrace"/>, then cancels it, and what was cancelled goes back to the queue.
/// A channel the broker closes is reopened once the work in flight on it is over; a lost connection is recovered by
/// the client.
/// </summary>
internal sealed partial class QueueWorker : BackgroundService
{
    private readonly string _queue;
    private readonly IConnection _connection;
    private readonly int _deliveryLimit;
    private readonly IReadOnlyList<TimeSpan> _retryDelays;
    private readonly ushort _concurrency;
    private readonly TimeSpan _shutdownGrace;
    private readonly DeliveryProcessor _processor;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _workCancellation = new();
    private readonly Lock _inFlightLock = new();
    private int _inFlight;
    private TaskCompletionSource? _idle;

    public QueueWorker(
        string queue,
        IConnection connection,
        IOptions<MessagingOptions> messaging,
        IOptionsMonitor<QueueOptions> queues,
        IEnumerable<MessageRoute> routes,
        IServiceScopeFactory scopes,
        DeliveryForwarder forwarder,
        MessagingTelemetry telemetry,
        TimeProvider time,
        ILogger<QueueWorker> logger)
    {
        var settings = queues.Get(queue);
        settings.Retry.Validate(queue);
        _queue = queue;
        _connection = connection;
        _deliveryLimit = messaging.Value.DeliveryLimit;
        _retryDelays = settings.Retry.Tiers;
        _concurrency = (ushort)Math.Clamp(settings.Concurrency, 1, ushort.MaxValue);
        _shutdownGrace = settings.ShutdownGrace;
        _processor = new DeliveryProcessor(
            queue, routes.Where(route => route.Queue == queue), scopes, new RetryPolicy(settings.Retry, Random.Shared), forwarder,
            messaging.Value.FailureRecordingTimeout, telemetry, time, logger);
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilChannelClosesAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogChannelFailed(ex, _queue);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopping ends consumption (see ConsumeUntilChannelClosesAsync); work in flight gets ShutdownGrace to
        // finish, then is cancelled, which hands its message back.
        _workCancellation.CancelAfter(_shutdownGrace);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _workCancellation.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task ConsumeUntilChannelClosesAsync(CancellationToken stoppingToken)
    {
        await using var channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: _concurrency),
            stoppingToken);
        await Topology.DeclareAsync(channel, _queue, _deliveryLimit, stoppingToken);
        await Topology.DeclareRetryQueuesAsync(channel, _queue, _retryDelays, stoppingToken);
        await channel.BasicQosAsync(prefetchSize: 0, prefetchCount: _concurrency, global: false, stoppingToken);

        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.ChannelShutdownAsync += (_, _) =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => OnDeliveryAsync(channel, delivery);
        var consumerTag = await channel.BasicConsumeAsync(_queue, autoAck: false, consumer, stoppingToken);
        LogConsuming(_queue, _concurrency);

        await Task.WhenAny(closed.Task, Task.Delay(Timeout.Infinite, stoppingToken));
        if (stoppingToken.IsCancellationRequested && channel.IsOpen)
        {
            // No new deliveries, but the channel stays open until work in flight has acked or handed back on it.
            await channel.BasicCancelAsync(consumerTag, noWait: false, CancellationToken.None);
            LogStoppedConsuming(_queue, Volatile.Read(ref _inFlight));
            await WhenIdle();
        }
        else if (!stoppingToken.IsCancellationRequested)
        {
            // The broker closed the channel (a delivery held past its consumer timeout, say) or the connection dropped:
            // every delivery in flight is back in the queue, and would come straight back on a new channel while its
            // first run goes on. So work in flight finishes first (its ack cannot land; a handler that is safe to
            // repeat finds its work done on the next delivery), and only then does a new channel take messages.
            LogChannelClosed(_queue, Volatile.Read(ref _inFlight), channel.CloseReason?.ReplyText ?? "unknown reason");
            await WhenIdle();
        }
    }

    private async Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        lock (_inFlightLock)
        {
            _inFlight++;
        }

        try
        {
            await _processor.ProcessAsync(channel, delivery, _workCancellation.Token);
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

    /// <summary>Completes once no delivery is in flight; each wait gets a fresh signal, as the worker may wait more than once.</summary>
    private Task WhenIdle()
    {
        lock (_inFlightLock)
        {
            if (_inFlight == 0)
            {
                return Task.CompletedTask;
            }

            if (_idle is null || _idle.Task.IsCompleted)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _idle.Task;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming {Queue}, {Concurrency} at a time")]
    private partial void LogConsuming(string queue, int concurrency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped consuming {Queue}; finishing {InFlight} in flight")]
    private partial void LogStoppedConsuming(string queue, int inFlight);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The channel consuming {Queue} was closed ({Reason}); finishing {InFlight} in flight before taking messages again")]
    private partial void LogChannelClosed(string queue, int inFlight, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The channel consuming {Queue} failed; reopening it")]
    private partial void LogChannelFailed(Exception exception, string queue);
}
