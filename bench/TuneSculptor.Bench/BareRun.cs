namespace TuneSculptor.Bench;

/// <summary>One bare ffmpeg conversion: its wall time and the CPU time its process used (user + system).</summary>
public sealed record BareRun(TimeSpan Elapsed, TimeSpan Cpu);
