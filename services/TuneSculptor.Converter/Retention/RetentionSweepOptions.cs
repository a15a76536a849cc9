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
}
