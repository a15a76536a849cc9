namespace TuneSculptor.Converter.Retention;

public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>How long mp3s (and videos left behind by failed jobs) are kept: the mail promises 24 hours.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Files deleted per bucket and sweep, so one sweep stays short; the next one goes on.</summary>
    public int BatchSize { get; set; } = 500;
}
