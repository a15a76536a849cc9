using System.Text.Json;
using FFMpegCore;
using FFMpegCore.Enums;
using FFMpegCore.Exceptions;
using Microsoft.Extensions.Options;
using TuneSculptor.Messaging;

namespace TuneSculptor.Converter.Conversion;

public sealed record EncodedMp3(string Path, double DurationSeconds);

/// <summary>
/// Turns a local media file into an mp3 with ffmpeg: audio only, libmp3lame, the job's bitrate (or VBR quality 2),
/// title/artist tags carried over, written to a file so the VBR header is right. Inputs ffmpeg cannot use are
/// permanent failures, with a reason the user can act on.
/// </summary>
public sealed class Mp3Encoder(IOptions<ConverterOptions> options)
{
    public async Task<EncodedMp3> EncodeAsync(string input, string output, int? bitrate, CancellationToken cancellationToken)
    {
        IMediaAnalysis source;
        try
        {
            source = await FFProbe.AnalyseAsync(input, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is FFMpegException or JsonException or FormatException)
        {
            throw new PermanentFailureException("This file is not a video or audio file that can be read.", ex);
        }

        if (source.PrimaryAudioStream is not { } audio)
        {
            throw new PermanentFailureException("This video has no sound to convert.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
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

                    // MP3 carries at most two channels at up to 48 kHz.
                    if (audio.Channels > 2)
                    {
                        arguments.WithAudioChannels(2);
                    }

                    if (audio.SampleRateHz > 48_000)
                    {
                        arguments.WithAudioSamplingRate(48_000);
                    }
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

            throw new PermanentFailureException("The sound could not be converted: the file seems damaged.", ex);
        }

        var result = await FFProbe.AnalyseAsync(output, cancellationToken: cancellationToken);
        return new EncodedMp3(output, result.Duration.TotalSeconds);
    }
}
