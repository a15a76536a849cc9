using System.Diagnostics;
using Microsoft.Extensions.Options;
using TuneSculptor.Converter.Conversion;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>The machine's ffmpeg converting a clip long enough to be seen converting (seconds, not milliseconds).</summary>
public sealed class Mp3EncoderProgressTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mp3-encoder-progress-");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Progress_rises_through_values_between_0_and_100_and_ends_at_100()
    {
        // Ten minutes of tone in a small Opus file: ffmpeg takes seconds to convert it and reports twice a second.
        var source = Path.Combine(_folder.FullName, "long.ogg");
        await RunFFmpegAsync($"-f lavfi -i sine=frequency=440:sample_rate=48000 -t 600 -c:a libopus -b:a 16k \"{source}\"");
        var reported = new RecordingProgress();

        var mp3 = await new Mp3Encoder(Options.Create(new ConverterOptions()))
            .EncodeAsync(source, Path.Combine(_folder.FullName, "audio.mp3"), bitrate: null, reported, Cancellation);

        var values = reported.Values;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", values));
        Assert.InRange(mp3.DurationSeconds, 599, 601);
        Assert.Equal(0, values[0]);
        Assert.Equal(100, values[^1]);
        Assert.All(values.Zip(values.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.Second} after {pair.First}"));
        // Seen while converting, not only at both ends.
        Assert.True(values.Count(value => value is > 0 and < 100) >= 2, $"reported: {string.Join(", ", values)}");
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static async Task RunFFmpegAsync(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", $"-v error -y {arguments}") { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        Assert.True(process.ExitCode == 0, await error);
    }
}
