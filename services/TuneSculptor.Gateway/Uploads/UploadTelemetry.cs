using System.Diagnostics;
using System.Diagnostics.Metrics;
using TuneSculptor.Contracts;
using TuneSculptor.Contracts.Telemetry;
using TuneSculptor.ServiceDefaults.Telemetry;

namespace TuneSculptor.Gateway.Uploads;

/// <summary>The size of accepted uploads, and the job id on the request's span.</summary>
public sealed class UploadTelemetry(ServiceTelemetry telemetry)
{
    public const string UploadSizeMetric = "tunesculptor.upload.size";

    private readonly Histogram<long> _size = telemetry.Meter.CreateHistogram(
        UploadSizeMetric, unit: "By", description: "Size of the videos accepted for conversion.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = HistogramBuckets.Bytes });

    /// <summary>
    /// Tags the current span, <c>POST /upload</c> when called from it, with the job, so a job id leads to its trace
    /// from the start.
    /// </summary>
    public static void TagJob(JobId jobId) => Activity.Current?.SetTag(JobTelemetry.JobIdTag, jobId.ToString());

    public void Accepted(long bytes) => _size.Record(bytes);
}
