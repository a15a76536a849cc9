namespace TuneSculptor.Gateway.Uploads;

/// <summary>Upload settings (<c>Uploads</c> section).</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>The largest video accepted, in bytes (default 2 GiB).</summary>
    public long MaxFileSize { get; set; } = 2L * 1024 * 1024 * 1024;
}
