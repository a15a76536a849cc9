using System.Text;
using Microsoft.Extensions.Options;
using MongoDB.Driver.GridFS;
using TuneSculptor.Contracts;
using TuneSculptor.Converter.Conversion;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// The machine's ffmpeg converting videos it reads from GridFS as they are fetched, through the converter's loopback
/// source: an MP4 whose index is at its end (ffmpeg seeks to it, then reads in order) and a Matroska file convert
/// whole; a store failing mid-read is a passing failure of the job, not a bad upload; a cancelled job stops.
/// </summary>
public sealed class ConversionThroughLoopbackTests(MongoServer mongo) : IClassFixture<MongoServer>, IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("loopback-conversion-");
    private readonly StoredVideos _videos = new(mongo);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string Output => Path.Combine(_folder.FullName, "audio.mp3");

    [Fact]
    public async Task An_mp4_with_its_index_at_the_end_converts_whole()
    {
        var video = await MediaFixtures.VideoAsync(_folder.FullName, "clip.mp4", TimeSpan.FromSeconds(6), "-c:v mpeg4 -c:a aac");
        var bytes = await File.ReadAllBytesAsync(video, Cancellation);
        Assert.True(IndexOf(bytes, "moov") > IndexOf(bytes, "mdat"), "the fixture is meant to keep its index (moov) after its media (mdat)");
        using var served = await _videos.ServeAsync(await _videos.StoreAsync(video));

        var mp3 = await EncodeAsync(VideoInput.Served(served));

        Assert.InRange(mp3.DurationSeconds, 5.5, 6.5);
        Assert.Null(served.ReadFailure);
    }

    [Fact]
    public async Task A_matroska_video_converts_whole()
    {
        var video = await MediaFixtures.VideoAsync(_folder.FullName, "clip.mkv", TimeSpan.FromSeconds(6), "-c:v mpeg4 -c:a libopus");
        using var served = await _videos.ServeAsync(await _videos.StoreAsync(video));

        var mp3 = await EncodeAsync(VideoInput.Served(served));

        Assert.InRange(mp3.DurationSeconds, 5.5, 6.5);
    }

    [Theory]
    [InlineData("clip.mkv", "-c:v mpeg4 -b:v 2M -c:a libopus")]
    [InlineData("clip.mp4", "-c:v mpeg4 -b:v 2M -c:a aac")]
    public async Task A_store_failing_mid_read_fails_the_job_for_now_not_as_a_bad_upload(string name, string codecs)
    {
        // A few MB of noise: many chunks, of which only the first four stay readable.
        var video = await MediaFixtures.VideoAsync(_folder.FullName, name, TimeSpan.FromSeconds(20), codecs, picture: "testsrc2=size=640x360:rate=25");
        var id = await _videos.StoreAsync(video);
        Assert.True(await _videos.DeleteChunksFromAsync(id, firstMissing: 4) > 4, "the fixture is meant to span more chunks");
        using var served = await _videos.ServeAsync(id);

        var failure = await Assert.ThrowsAsync<VideoReadException>(() => EncodeAsync(VideoInput.Served(served)));

        Assert.IsType<GridFSChunkException>(failure.InnerException);
        Assert.Same(served.ReadFailure, failure.InnerException);
        Assert.Equal("storage unavailable", ConversionFailureReasons.Describe(failure));
    }

    [Fact]
    public async Task A_video_gone_from_the_store_is_a_read_failure_the_handler_tells_apart()
    {
        var video = await MediaFixtures.VideoAsync(_folder.FullName, "clip.mkv", TimeSpan.FromSeconds(2), "-c:v mpeg4 -c:a libopus");
        var id = await _videos.StoreAsync(video);
        await _videos.Media.DeleteVideoAsync(id, Cancellation);
        using var served = await _videos.ServeAsync(id);

        var failure = await Assert.ThrowsAsync<VideoReadException>(() => EncodeAsync(VideoInput.Served(served)));

        Assert.IsType<GridFSFileNotFoundException>(failure.InnerException);
    }

    [Fact]
    public async Task A_cancelled_job_stops_its_ffmpeg_and_its_address_dies()
    {
        // Ten minutes of tone: seconds of work, so the cancellation lands while ffmpeg reads.
        var source = await MediaFixtures.MakeAsync(_folder.FullName, "long.ogg", "-f lavfi -i sine=frequency=440:sample_rate=48000 -t 600 -c:a libopus -b:a 16k");
        var served = await _videos.ServeAsync(await _videos.StoreAsync(source));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var converting = new RecordingProgress(onReport: value =>
        {
            if (value > 0)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new Mp3Encoder(Options.Create(new ConverterOptions())).EncodeAsync(VideoInput.Served(served), Output, bitrate: null, converting, cancel.Token));
        served.Dispose();

        using var client = new HttpClient();
        using var response = await client.GetAsync(served.Url, Cancellation);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(served.ReadFailure);
    }

    public async ValueTask DisposeAsync()
    {
        await _videos.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    private Task<EncodedMp3> EncodeAsync(VideoInput input) =>
        new Mp3Encoder(Options.Create(new ConverterOptions())).EncodeAsync(input, Output, bitrate: null, new RecordingProgress(), Cancellation);

    private static int IndexOf(byte[] bytes, string box) => bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(box));
}
