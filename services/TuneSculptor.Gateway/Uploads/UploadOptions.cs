namespace TuneSculptor.Gateway.Uploads;

/// <summary>Upload settings (<c>Uploads</c> section).</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>The largest video accepted, in bytes (default 2 GiB).</summary>
    public long MaxFileSize { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Room in the body for the form around the file (boundaries, part headers, the bitrate): an honest form needs
    /// well under 1 KiB of it.
    /// </summary>
    public const long FormOverhead = 16 * 1024;

    /// <summary>The largest request body <c>POST /upload</c> reads, chunked or not: Kestrel refuses the rest with a 413.</summary>
    public long MaxRequestBodySize => MaxFileSize + FormOverhead;

    /// <summary>
    /// How long a stop (SIGTERM) waits for requests in flight before cutting them: uploads are the long ones (default
    /// 5 min, a 2 GiB upload at ~7 MB/s). An upload cut off stores nothing.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromMinutes(5);
}
