namespace TuneSculptor.Converter.Conversion;

/// <summary>ffmpeg exited with an error; the message carries the bounded tail of what it printed (<see cref="FFmpegLog"/>).</summary>
public sealed class FFmpegFailedException(FFmpegExit exit)
    : Exception($"ffmpeg exited with {exit.ExitCode}:\n{exit.StandardError}")
{
    public FFmpegExit Exit { get; } = exit;
}
