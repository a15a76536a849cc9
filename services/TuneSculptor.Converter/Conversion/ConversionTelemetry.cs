using System.Diagnostics;
using System.Diagnostics.Metrics;
using TuneSculptor.Contracts;
using TuneSculptor.Contracts.Telemetry;
using TuneSculptor.ServiceDefaults.Telemetry;

namespace TuneSculptor.Converter.Conversion;

/// <summary>The <c>ffmpeg encode</c> span and the conversion metrics of the converter.</summary>
public sealed class ConversionTelemetry
{
    public const string DurationMetric = "tunesculptor.conversion.duration";
    public const string Mp3SizeMetric = "tunesculptor.mp3.size";
    public const string OutcomeTag = "tunesculptor.conversion.outcome";

    private readonly ServiceTelemetry _telemetry;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _mp3Size;

    public ConversionTelemetry(ServiceTelemetry telemetry)
    {
        _telemetry = telemetry;
        _duration = telemetry.Meter.CreateHistogram(
            DurationMetric, unit: "s", description: "Time to encode a video into an mp3 (and to probe why, when it fails), by outcome (success, failure, cancelled).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Seconds });
        _mp3Size = telemetry.Meter.CreateHistogram(
            Mp3SizeMetric, unit: "By", description: "Size of the mp3s made.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = HistogramBuckets.Bytes });
    }

    public Activity? StartEncode(JobId jobId, int? bitrate, long videoBytes) =>
        _telemetry.ActivitySource.StartActivity("ffmpeg encode")?
            .SetTag(JobTelemetry.JobIdTag, jobId.ToString())
            .SetTag("tunesculptor.mp3.bitrate", bitrate is { } kbps ? $"{kbps}k" : "vbr")
            .SetTag("tunesculptor.video.size", videoBytes);

    public void Encoded(Activity? activity, long mp3Bytes, double audioSeconds)
    {
        _mp3Size.Record(mp3Bytes);
        activity?
            .SetTag("tunesculptor.mp3.size", mp3Bytes)
            .SetTag("tunesculptor.mp3.duration", audioSeconds);
    }

    public void RecordDuration(TimeSpan elapsed, string outcome) =>
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(OutcomeTag, outcome));
}
