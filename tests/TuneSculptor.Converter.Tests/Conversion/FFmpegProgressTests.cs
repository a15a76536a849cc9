using TuneSculptor.Converter.Conversion;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>The percentage from ffmpeg's lines as ffmpeg 5.1 prints them.</summary>
public sealed class FFmpegProgressTests
{
    private readonly RecordingProgress _reported = new();

    [Fact]
    public void Time_read_against_the_declared_duration_rises_with_one_decimal_and_stops_short_of_100_until_complete()
    {
        var progress = new FFmpegProgress(_reported);
        progress.OnOutputLine("Input #0, matroska,webm, from 'source':");
        progress.OnOutputLine("  Duration: 00:02:00.00, start: 0.000000, bitrate: 70 kb/s");
        // A later Duration line (a chapter, another header) is not the source's.
        progress.OnOutputLine("  Duration: 00:00:10.00, start: 0.000000, bitrate: 70 kb/s");

        progress.OnTimeRead(TimeSpan.FromSeconds(30.05));
        progress.OnTimeRead(TimeSpan.FromSeconds(30.06)); // the same tenth: nothing new to say
        progress.OnTimeRead(TimeSpan.FromSeconds(12)); // never backwards
        progress.OnTimeRead(TimeSpan.FromSeconds(119.99));
        progress.OnTimeRead(TimeSpan.FromSeconds(120.5)); // audio running past the declared duration
        progress.Complete();

        Assert.Equal([0, 25, 99.9, 100], _reported.Values);
    }

    [Fact]
    public void Durations_of_a_day_and_more_are_read()
    {
        var progress = new FFmpegProgress(_reported);
        progress.OnOutputLine("  Duration: 25:00:00.00, start: 0.000000, bitrate: 8 kb/s");

        progress.OnTimeRead(TimeSpan.FromHours(5));

        Assert.Equal([0, 20], _reported.Values);
    }

    [Fact]
    public void A_source_without_a_duration_has_no_percentage_until_it_is_complete()
    {
        var progress = new FFmpegProgress(_reported);
        progress.OnOutputLine("  Duration: N/A, start: 0.000000, bitrate: 705 kb/s");

        progress.OnTimeRead(TimeSpan.FromSeconds(30));
        progress.Complete();

        Assert.Equal([100], _reported.Values);
    }
}
