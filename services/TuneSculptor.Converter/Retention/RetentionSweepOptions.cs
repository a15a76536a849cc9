namespace TuneSculptor.Converter.Retention;

/// <summary>
/// How the converter sweeps (<c>Retention</c> section, beside <see cref="Storage.RetentionOptions.MaxAge"/>, the age
/// itself, which other services read too).
/// </summary>
public sealed class RetentionSweepOptions
{
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Files deleted per bucket and sweep, so one sweep stays short; the next one goes on.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How long a job's record (its file name, its owner's address, what became of it) stays once it is expired,
    /// deleted or failed, counted from that last change: its owner can still see why a link is dead, and then it goes,
    /// so personal data does not pile up. Its files are gone by then (or go with it).
    /// </summary>
    public TimeSpan PruneJobsAfter { get; set; } = TimeSpan.FromDays(30);
}
