using System.Text.Json;
using FFMpegCore;
using FFMpegCore.Enums;
using FFMpegCore.Exceptions;
using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;

namespace TuneSculptor.Converter.Conversion;

public sealed record EncodedMp3(string Path, double DurationSeconds);

/// <summary>
/// Turns a local media file into an mp3 with ffmpeg: audio only, libmp3lame, the job's bitrate (or VBR quality 2),
/// title/artist tags carried over, written to a file so the VBR header is right. ffmpeg itself fits the sound to
/// what MP3 carries (at most two channels, at most 48 kHz). Inputs ffmpeg cannot use are permanent failures, with a
/// reason the user can act on.
/// </summary>
/// <remarks>
/// A job starts one process, as bare ffmpeg would: each ffmpeg-family process start costs about as much CPU as
/// converting a 10 s clip, so ffprobe runs only after a failure, to tell the user why, and the mp3's length is
/// ffmpeg's own count of the time it wrote.
/// </remarks>
public sealed class Mp3Encoder(IOptions<ConverterOptions> options)
{
    private const string NoSound = "This video has no sound to convert.";

    /// <param name="progress">Told each rise of the percentage converted (<see cref="FFmpegProgress"/>), 100 last.</param>
    public async Task<EncodedMp3> EncodeAsync(
        string input, string output, int? bitrate, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var percent = new FFmpegProgress(progress);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        var written = TimeSpan.Zero;
        try
        {
            await FFMpegArguments
                .FromFileInput(input)
                .OutputToFile(output, overwrite: true, arguments =>
                {
                    arguments
                        .DisableVideo() // -vn: else ffmpeg re-encodes the picture as cover art, much slower
                        .DisableSubtitles()
                        .DisableData()
                        .WithAudioCodec(AudioCodec.LibMp3Lame)
                        .WithMapMetadata(0) // title, artist, … from the source
                        .WithId3v2Version(3);
                    if (bitrate is { } kbps)
                    {
                        arguments.WithAudioBitrate(kbps);
                    }
                    else
                    {
                        arguments.WithAudioQualityScale(2);
                    }
                })
                .NotifyOnStandardError(percent.OnOutputLine)
                .NotifyOnProgress(time =>
                {
                    written = time;
                    percent.OnTimeRead(time);
                })
                .CancellableThrough(timeout.Token)
                .ProcessAsynchronously(throwOnError: true);
        }
        catch (Exception ex) when (ex is OperationCanceledException or FFMpegException)
        {
            // A stopped ffmpeg exits with an error too: which stop it was decides the outcome.
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The conversion was stopped.", ex, cancellationToken);
            }

            if (timeout.IsCancellationRequested)
            {
                throw new PermanentFailureException($"Converting took longer than {options.Value.Timeout.TotalMinutes:0.#} minutes and was stopped.", ex);
            }

            throw await ExplainFailureAsync(input, ex, cancellationToken);
        }

        if (written <= TimeSpan.Zero)
        {
            throw new PermanentFailureException(NoSound);
        }

        percent.Complete();
        return new EncodedMp3(output, written.TotalSeconds);
    }

    /// <summary>Why ffmpeg failed, in the user's terms, from a probe of the input.</summary>
    private static async Task<PermanentFailureException> ExplainFailureAsync(string input, Exception failure, CancellationToken cancellationToken)
    {
        IMediaAnalysis source;
        try
        {
            source = await FFProbe.AnalyseAsync(input, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is FFMpegException or JsonException or FormatException)
        {
            return new PermanentFailureException("This file is not a video or audio file that can be read.", failure);
        }

        return source.PrimaryAudioStream is null
            ? new PermanentFailureException(NoSound, failure)
            : new PermanentFailureException("The sound could not be converted: the file seems damaged.", failure);
    }
}
