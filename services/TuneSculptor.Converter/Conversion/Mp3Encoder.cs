using System.Globalization;
using System.Text.RegularExpressions;
using FFMpegCore;
using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;

namespace TuneSculptor.Converter.Conversion;

public sealed record EncodedMp3(string Path, double DurationSeconds);

/// <summary>
/// Turns a video (<see cref="VideoInput"/>: served through loopback, or a local file) into an mp3 with ffmpeg: audio
/// only, libmp3lame, the job's bitrate (or VBR quality 2), title/artist tags carried over, written to a file so the VBR
/// header is right. ffmpeg itself fits the sound to what MP3 carries (at most two channels, at most 48 kHz). Inputs
/// ffmpeg cannot use are permanent failures, with a reason the user can act on; a failure to read the video from the
/// store is not (<see cref="VideoReadException"/>).
/// </summary>
/// <remarks>
/// <para>
/// A job starts one process, as bare ffmpeg would: each ffmpeg-family process start costs about as much CPU as
/// converting a 10 s clip, so ffprobe runs only after a failure, to tell the user why, and the mp3's length is
/// ffmpeg's own count of the time it wrote.
/// </para>
/// <para>
/// Uploads are untrusted: ffmpeg and ffprobe read them only as media files (<see cref="FFmpegInput"/>), the mp3 is
/// capped (<see cref="ConverterOptions.MaxAudioDuration"/>, <see cref="ConverterOptions.MaxMp3Bytes"/>: ffmpeg's
/// <c>-t</c> and <c>-fs</c> stop it just past either cap, and a capped mp3 fails the job rather than being kept cut
/// short), and what ffmpeg prints is kept only as a bounded tail (<see cref="FFmpegProcess"/>).
/// </para>
/// </remarks>
public sealed partial class Mp3Encoder(IOptions<ConverterOptions> options)
{
    public const string NotMedia = "This file is not a video or audio file that can be read.";
    private const string NoSound = "This video has no sound to convert.";

    /// <summary>How far past a cap ffmpeg is let run, so that a capped run is told from one that just fits.</summary>
    private static readonly TimeSpan DurationSlack = TimeSpan.FromSeconds(1);

    /// <summary>Converts a local file.</summary>
    public Task<EncodedMp3> EncodeAsync(
        string input, string output, int? bitrate, IProgress<double> progress, CancellationToken cancellationToken) =>
        EncodeAsync(VideoInput.LocalFile(input), output, bitrate, progress, cancellationToken);

    /// <param name="progress">Told each rise of the percentage converted (<see cref="FFmpegProgress"/>), 100 last.</param>
    /// <exception cref="VideoReadException">Reading the video from the store failed meanwhile, whatever ffmpeg made of it.</exception>
    public async Task<EncodedMp3> EncodeAsync(
        VideoInput input, string output, int? bitrate, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var percent = new FFmpegProgress(progress);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var written = TimeSpan.Zero;
        FFmpegExit exit;
        try
        {
            exit = await FFmpegProcess.RunAsync(GlobalFFOptions.GetFFMpegBinaryPath(), EncodeArguments(input, output, bitrate, settings), line =>
            {
                percent.OnOutputLine(line);
                if (TimeWritten(line) is { } time)
                {
                    written = time;
                    percent.OnTimeRead(time);
                }
            }, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PermanentFailureException($"Converting took longer than {Describe(settings.Timeout)} and was stopped.", ex);
        }
        catch (OperationCanceledException ex)
        {
            throw new OperationCanceledException("The conversion was stopped.", ex, cancellationToken);
        }

        // Before anything ffmpeg says: a read cut short may look like a damaged file, or like its end (exit code 0).
        input.ThrowIfReadFailed();
        if (exit.ExitCode != 0)
        {
            throw await ExplainFailureAsync(input, exit, cancellationToken);
        }

        if (written > settings.MaxAudioDuration)
        {
            throw new PermanentFailureException($"The sound is longer than {Describe(settings.MaxAudioDuration)}, the longest this service converts.");
        }

        if (new FileInfo(output).Length > settings.MaxMp3Bytes)
        {
            throw new PermanentFailureException($"The mp3 would be larger than {settings.MaxMp3Bytes / (1024.0 * 1024):0.#} MB, the largest this service makes; choose a lower bitrate.");
        }

        if (written <= TimeSpan.Zero)
        {
            throw new PermanentFailureException(NoSound);
        }

        percent.Complete();
        return new EncodedMp3(output, written.TotalSeconds);
    }

    private static IEnumerable<string> EncodeArguments(VideoInput input, string output, int? bitrate, ConverterOptions settings) =>
    [
        "-hide_banner", "-nostdin", "-y",
        .. input.Arguments,
        "-vn", "-sn", "-dn", // else ffmpeg re-encodes the picture as cover art, much slower
        "-c:a", "libmp3lame",
        .. bitrate is { } kbps ? ["-b:a", $"{kbps}k"] : new[] { "-q:a", "2" },
        "-map_metadata", "0", // title, artist, … from the source
        "-id3v2_version", "3",
        "-t", (settings.MaxAudioDuration + DurationSlack).TotalSeconds.ToString(CultureInfo.InvariantCulture),
        "-fs", (settings.MaxMp3Bytes + 1).ToString(CultureInfo.InvariantCulture),
        output,
    ];

    /// <summary>Why ffmpeg failed, in the user's terms: refused by an allowlist, or else from a probe of the input.</summary>
    private static async Task<PermanentFailureException> ExplainFailureAsync(VideoInput input, FFmpegExit failed, CancellationToken cancellationToken)
    {
        var failure = new FFmpegFailedException(failed);
        if (FFmpegInput.WasRefused(failed.StandardError))
        {
            return new PermanentFailureException(NotMedia, failure);
        }

        var probe = await FFmpegProcess.RunAsync(
            GlobalFFOptions.GetFFProbeBinaryPath(),
            ["-v", "error", .. input.Arguments, "-show_entries", "stream=codec_type", "-of", "csv=p=0"],
            onErrorLine: null,
            cancellationToken);
        input.ThrowIfReadFailed();
        if (probe.ExitCode != 0)
        {
            return new PermanentFailureException(NotMedia, failure);
        }

        return probe.StandardOutput.Split('\n').Contains("audio")
            ? new PermanentFailureException("The sound could not be converted: the file seems damaged.", failure)
            : new PermanentFailureException(NoSound, failure);
    }

    /// <summary>The output time of one of ffmpeg's progress lines (<c>size=… time=01:02:03.45 …</c>); hours may run past 99.</summary>
    private static TimeSpan? TimeWritten(string line) =>
        ProgressTime().Match(line) is { Success: true } match
            ? TimeSpan.FromHours(int.Parse(match.Groups["hours"].Value, CultureInfo.InvariantCulture))
              + TimeSpan.FromMinutes(int.Parse(match.Groups["minutes"].Value, CultureInfo.InvariantCulture))
              + TimeSpan.FromSeconds(double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture))
            : null;

    /// <summary>"6 hours", "30 minutes", "10 seconds": a cap as the user reads it.</summary>
    internal static string Describe(TimeSpan span) => span switch
    {
        { TotalHours: >= 1 } when span.TotalHours % 1 == 0 => Plural(span.TotalHours, "hour"),
        { TotalMinutes: >= 1 } when span.TotalMinutes % 1 == 0 => Plural(span.TotalMinutes, "minute"),
        _ => Plural(span.TotalSeconds, "second"),
    };

    private static string Plural(double count, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:0.#} {unit}{(count == 1 ? "" : "s")}");

    [GeneratedRegex(@"time=(?<hours>\d+):(?<minutes>\d\d):(?<seconds>\d\d(\.\d+)?)")]
    private static partial Regex ProgressTime();
}
