using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;
using TuneSculptor.Converter.Conversion;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// The caps on what a conversion makes, with small caps set as a test would: a small file of silence that decodes to
/// more than the cap fails for good with the cap in its reason; one within the cap converts whole.
/// </summary>
public sealed class OutputCapTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("output-cap-");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string Output => Path.Combine(_folder.FullName, "audio.mp3");

    [Fact]
    public async Task Sound_longer_than_the_cap_fails_for_good_and_is_not_kept_cut_short()
    {
        var silence = await MediaFixtures.SilenceAsync(_folder.FullName, TimeSpan.FromMinutes(2));
        Assert.True(new FileInfo(silence).Length < 100_000, "the input is meant to be small");

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            Encoder(new ConverterOptions { MaxAudioDuration = TimeSpan.FromSeconds(10) })
                .EncodeAsync(silence, Output, bitrate: null, new RecordingProgress(), Cancellation));

        Assert.Equal("The sound is longer than 10 seconds, the longest this service converts.", failure.Message);
        // ffmpeg stopped just past the cap rather than decoding both minutes.
        Assert.InRange(new FileInfo(Output).Length, 1, 60_000);
    }

    [Fact]
    public async Task Sound_within_the_cap_converts_whole()
    {
        var silence = await MediaFixtures.SilenceAsync(_folder.FullName, TimeSpan.FromSeconds(8));

        var mp3 = await Encoder(new ConverterOptions { MaxAudioDuration = TimeSpan.FromSeconds(10) })
            .EncodeAsync(silence, Output, bitrate: null, new RecordingProgress(), Cancellation);

        Assert.InRange(mp3.DurationSeconds, 7.5, 8.5);
    }

    [Fact]
    public async Task An_mp3_larger_than_the_cap_fails_for_good()
    {
        // A minute at 320 kbps is 2.4 MB.
        var silence = await MediaFixtures.SilenceAsync(_folder.FullName, TimeSpan.FromMinutes(1));

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            Encoder(new ConverterOptions { MaxMp3Bytes = 512 * 1024 })
                .EncodeAsync(silence, Output, bitrate: 320, new RecordingProgress(), Cancellation));

        Assert.Equal("The mp3 would be larger than 0.5 MB, the largest this service makes; choose a lower bitrate.", failure.Message);
        Assert.InRange(new FileInfo(Output).Length, 512 * 1024, 600 * 1024);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private static Mp3Encoder Encoder(ConverterOptions options) => new(Options.Create(options));
}
