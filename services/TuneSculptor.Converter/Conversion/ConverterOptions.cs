namespace TuneSculptor.Converter.Conversion;

/// <summary>Converter settings (<c>Converter</c> section).</summary>
public sealed class ConverterOptions
{
    public const string Section = "Converter";

    /// <summary>Jobs converted at once; libmp3lame uses one core per job.</summary>
    public int Concurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>An ffmpeg run taking longer is cancelled and the job failed (a hung or pathological input).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Longest sound converted: a longer one fails the job (ffmpeg stops just past it; nothing truncated is kept). A
    /// few-MB file of silence can decode to days of audio.
    /// </summary>
    public TimeSpan MaxAudioDuration { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Largest mp3 made: a larger one fails the job (ffmpeg stops writing just past it; nothing is kept).</summary>
    public long MaxMp3Bytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>
    /// How long a converter's hold on a job lasts without renewal (renewed every third of it while converting): a
    /// job held by a live converter is not started by another; one whose converter died is taken over after this.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where conversions keep their temp files (the mp3; a copy of the video without the loopback source): see <see cref="ScratchFolders"/>.</summary>
    public string ScratchFolder { get; set; } = Path.Combine(Path.GetTempPath(), "tunesculptor-converter");

    /// <summary>
    /// The 127.0.0.1 port of the <see cref="LoopbackVideoSource"/> that serves videos to ffmpeg: 0, any free port. One
    /// that cannot be listened on leaves each job to copy its video to the scratch folder (slower, and disk-hungry).
    /// </summary>
    public int VideoSourcePort { get; set; }

    /// <summary>Delete the uploaded video once its mp3 is stored.</summary>
    public bool DeleteSourceVideo { get; set; } = true;

    /// <summary>How long a conversion in flight may finish after SIGTERM before it is handed back to the queue.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(25);
}
