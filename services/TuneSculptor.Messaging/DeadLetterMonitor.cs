using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace TuneSculptor.Messaging;

/// <summary>
/// Counts the dead letters waiting for each queue the service consumes (a passive declare of <c>{queue}.dead-letter</c>
/// every <see cref="MessagingOptions.DeadLetterPollInterval"/>), for the <see cref="Metric"/> gauge and the
/// <see cref="DeadLetterHealthCheck"/>: both read the last count, so probes and scrapes never wait on the broker.
/// </summary>
internal sealed partial class DeadLetterMonitor : BackgroundService
{
    public const string Metric = "tunesculptor.messaging.dead_letters";

    /// <summary>The gauge's tag: the work queue whose dead letters are counted (<c>video</c>, <c>mp3</c>, …).</summary>
    public const string QueueTag = "queue";

    private readonly IReadOnlyList<string> _queues;
    private readonly IConnection _connection;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, long> _depths = new();

    public DeadLetterMonitor(
        IReadOnlyList<string> queues, IConnection connection, IOptions<MessagingOptions> options, IMeterFactory meters, TimeProvider time,
        ILogger<DeadLetterMonitor> logger)
    {
        _queues = queues;
        _connection = connection;
        _interval = options.Value.DeadLetterPollInterval;
        _time = time;
        _logger = logger;
        meters.Create(MessagingTelemetry.Name).CreateObservableGauge(
            Metric,
            () => _depths.Select(depth => new Measurement<long>(depth.Value, new KeyValuePair<string, object?>(QueueTag, depth.Key))),
            unit: "{message}",
            description: "Dead letters waiting in the queue's dead-letter queue, to be redriven once their cause is fixed.");
    }

    /// <summary>The queues watched.</summary>
    public IReadOnlyList<string> Queues => _queues;

    /// <summary>The last count of each queue's dead letters; a queue not counted yet (or never successfully) is absent.</summary>
    public IReadOnlyDictionary<string, long> Depths => _depths;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            await CountAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task CountAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues)
        {
            try
            {
                // A channel each: a passive declare of a queue not declared yet closes its channel.
                await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
                var depth = (await channel.QueueDeclarePassiveAsync(Topology.DeadLetterQueue(queue), cancellationToken)).MessageCount;
                if (!_depths.TryGetValue(queue, out var previous) || previous != depth)
                {
                    LogDepth(queue, depth);
                }

                _depths[queue] = depth;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
            {
                // At start, before the queue's worker declared it: counted at the next tick.
                LogNotDeclaredYet(Topology.DeadLetterQueue(queue));
            }
            catch (Exception ex)
            {
                // The broker away: its own health check says so; the last count stands until the next one.
                LogCountFailed(ex, Topology.DeadLetterQueue(queue));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead letters of {Queue}: {Depth}")]
    private partial void LogDepth(string queue, uint depth);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{DeadLetterQueue} is not declared yet: its dead letters are counted once it is")]
    private partial void LogNotDeclaredYet(string deadLetterQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the dead letters in {DeadLetterQueue}")]
    private partial void LogCountFailed(Exception exception, string deadLetterQueue);
}
