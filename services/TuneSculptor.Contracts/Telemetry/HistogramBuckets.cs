namespace TuneSculptor.Contracts.Telemetry;

/// <summary>
/// Bucket boundaries for our histograms, given as instrument advice: OpenTelemetry's defaults (0 to 10,000) suit
/// milliseconds, not seconds or bytes. Sized for this pipeline's jobs (the conversion timeout, the upload limit), and
/// shared by the services and the messaging library, so histograms of one kind compare across them.
/// </summary>
public static class HistogramBuckets
{
    /// <summary>From a few milliseconds (a message picked up at once) to half an hour (the conversion timeout).</summary>
    public static readonly IReadOnlyList<double> Seconds =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    /// <summary>Powers of four from 16 KiB to 4 GiB: an mp3 of a few seconds to an upload at the limit.</summary>
    public static readonly IReadOnlyList<long> Bytes =
        [.. Enumerable.Range(0, 10).Select(power => 16L * 1024 << (2 * power))];
}
