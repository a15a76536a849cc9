using System.Diagnostics.Metrics;
using System.Globalization;
using RabbitMQ.Client;
using TuneSculptor.Contracts.Telemetry;

namespace TuneSculptor.Messaging;

/// <summary>How long messages wait in each queue, from publish to delivery.</summary>
public sealed class MessagingTelemetry
{
    /// <summary>The meter of this library (added to OpenTelemetry by <c>AddRabbitMQMessaging</c>).</summary>
    public const string Name = "TuneSculptor.Messaging";

    /// <summary>
    /// When the message was published, in Unix milliseconds. The AMQP <c>timestamp</c> property has whole seconds
    /// only, too coarse for waits that are usually milliseconds.
    /// </summary>
    public const string PublishedAtHeader = "published-at-ms";

    public const string QueueWaitMetric = "tunesculptor.queue.wait.duration";

    private readonly TimeProvider _time;
    private readonly Histogram<double> _queueWait;

    public MessagingTelemetry(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _queueWait = meters.Create(Name).CreateHistogram(
            QueueWaitMetric, unit: "s", description: "Time from publishing a message to its first delivery to a consumer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });
    }

    public long PublishedAtNow() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Records the wait of a first delivery; a redelivery's time includes earlier attempts, not waiting.</summary>
    public void RecordQueueWait(string queue, IReadOnlyBasicProperties properties, int attempt)
    {
        if (attempt != 1 || properties.Headers?.TryGetValue(PublishedAtHeader, out var value) != true || value is null)
        {
            return;
        }

        var publishedAt = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        // Publisher and consumer clocks may disagree by a little; a wait is never negative.
        var seconds = Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - publishedAt) / 1000.0;
        _queueWait.Record(seconds, new KeyValuePair<string, object?>("messaging.destination.name", queue));
    }
}
