using System.Globalization;
using System.Text.RegularExpressions;

namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// How far one ffmpeg run has come, in percent of the source, from ffmpeg's own output: the source's duration from
/// the <c>Duration:</c> line it prints on opening its input, and the time it has read from each progress line
/// (<c>time=…</c>, every half second). Rises only, with one decimal, and stays below 100 until the run has ended
/// well (<see cref="Complete"/>): a source's audio may run a little past its declared duration.
/// </summary>
/// <remarks>
/// The duration comes from the same process rather than from a probe first: each ffmpeg-family process start costs
/// about as much CPU as converting a 10 s clip (see <see cref="Mp3Encoder"/>). A source that declares no duration
/// (<c>Duration: N/A</c>, streams such as raw MPEG-TS captures) has no percentage until it is complete.
/// </remarks>
public sealed partial class FFmpegProgress(IProgress<double> report)
{
    /// <summary>Where a running conversion stops counting: 100 is kept for a finished one.</summary>
    public const double MaxWhileRunning = 99.9;

    private TimeSpan? _duration;
    private bool _durationRead;
    private double _percent = -1;

    /// <summary>One line of ffmpeg's standard error; only the input's first <c>Duration:</c> line is used.</summary>
    public void OnOutputLine(string line)
    {
        if (_durationRead || DurationLine().Match(line) is not { Success: true } match)
        {
            return;
        }

        _durationRead = true;
        if (!match.Groups["hours"].Success)
        {
            return; // N/A
        }

        var duration = TimeSpan.FromHours(int.Parse(match.Groups["hours"].Value, CultureInfo.InvariantCulture))
                       + TimeSpan.FromMinutes(int.Parse(match.Groups["minutes"].Value, CultureInfo.InvariantCulture))
                       + TimeSpan.FromSeconds(double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture));
        if (duration > TimeSpan.Zero)
        {
            _duration = duration;
            Raise(0);
        }
    }

    /// <summary>ffmpeg's count of the source time it has read so far.</summary>
    public void OnTimeRead(TimeSpan time)
    {
        if (_duration is { } duration)
        {
            Raise(Math.Min(MaxWhileRunning, Math.Floor(time / duration * 1000) / 10));
        }
    }

    /// <summary>The run ended well: all of the source is converted.</summary>
    public void Complete() => Raise(100);

    private void Raise(double percent)
    {
        if (percent > _percent)
        {
            _percent = percent;
            report.Report(percent);
        }
    }

    // "  Duration: 00:01:02.50, start: 0.000000, bitrate: 70 kb/s", or "  Duration: N/A, …" when there is none.
    [GeneratedRegex(@"^\s*Duration: (N/A|(?<hours>\d+):(?<minutes>\d\d):(?<seconds>\d\d(\.\d+)?))")]
    private static partial Regex DurationLine();
}
