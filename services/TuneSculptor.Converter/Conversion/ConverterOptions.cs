namespace TuneSculptor.Converter.Conversion;

/// <summary>Converter settings (<c>Converter</c> section).</summary>
public sealed class ConverterOptions
{
    public const string Section = "Converter";

    /// <summary>Jobs converted at once; libmp3lame uses one core per job.</summary>
    public int Concurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>An ffmpeg run taking longer is cancelled and the job failed (a hung or pathological input).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Where conversions keep their temp files (a copy of the video, the mp3): see <see cref="ScratchFolders"/>.</summary>
    public string ScratchFolder { get; set; } = Path.Combine(Path.GetTempPath(), "tunesculptor-converter");

    /// <summary>Delete the uploaded video once its mp3 is stored.</summary>
    public bool DeleteSourceVideo { get; set; } = true;

    /// <summary>How long a conversion in flight may finish after SIGTERM before it is handed back to the queue.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(25);
}
