using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;
using TuneSculptor.Converter.Conversion;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// Uploads crafted to make ffmpeg do more than read media, through the machine's real ffmpeg: playlists and
/// manifests that point at a listener on this machine or at local files (tripwires that notice any attempt), image
/// sequences, devices. Each fails for good as "not a video or audio file", and nothing it points at is touched;
/// whether ffmpeg reads the upload from GridFS through the converter's loopback source (<c>http</c> allowed, so a
/// playlist naming an http URL would be fetched but for the format whitelist) or from a local copy.
/// </summary>
public sealed class UntrustedInputTests : IClassFixture<MongoServer>, IAsyncDisposable
{
    private const string Loopback = "loopback";
    private const string LocalCopy = "local copy";

    private readonly DirectoryInfo _job = Directory.CreateTempSubdirectory("untrusted-input-");
    private readonly TcpTripwire _listener = new();
    private readonly FileTripwire _localFile;
    private readonly StoredVideos _videos;
    private readonly List<ServedVideo> _served = [];

    public UntrustedInputTests(MongoServer mongo)
    {
        _videos = new StoredVideos(mongo);
        // Outside the job's folder, with a media extension (HLS opens only those).
        Directory.CreateDirectory(Path.Combine(_job.FullName, "elsewhere"));
        _localFile = FileTripwire.Create(Path.Combine(_job.FullName, "elsewhere", "segment.ts"));
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string Source => Path.Combine(_job.FullName, "source");

    public static TheoryData<string, string> Playlists => new MatrixTheoryData<string, string>(
        ["hls-http", "hls-file", "dash-http", "dash-file", "ffconcat", "sdp"], [Loopback, LocalCopy]);

    [Theory]
    [MemberData(nameof(Playlists))]
    public async Task A_playlist_or_manifest_fails_for_good_as_not_media_and_nothing_it_names_is_opened(string kind, string readThrough)
    {
        await File.WriteAllTextAsync(Source, Playlist(kind), Cancellation);

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(async () => await EncodeAsync(await InputAsync(Source, readThrough)));

        Assert.Equal(Mp3Encoder.NotMedia, failure.Message);
        Assert.Equal(0, _listener.Connections);
        Assert.False(_localFile.Opened.IsCompleted, "ffmpeg opened the local file the playlist names");
    }

    [Theory]
    [InlineData("hls-file")]
    [InlineData("ffconcat")]
    public async Task A_bare_ffmpeg_does_open_the_local_file_such_a_playlist_names(string kind)
    {
        // The tripwire works, and the playlist is one ffmpeg follows: what the test above shows refused is real.
        await File.WriteAllTextAsync(Source, Playlist(kind), Cancellation);

        await MediaFixtures.RunBareFFmpegAsync(Source, _job.FullName);

        Assert.True(_localFile.Opened.IsCompleted, "a bare ffmpeg did not open the file either: the fixture proves nothing");
    }

    [Fact]
    public async Task An_ffmpeg_allowed_http_but_no_format_whitelist_does_fetch_what_a_served_playlist_names()
    {
        // What the format whitelist alone stops, now that the http protocol is allowed: the tripwire sees this fetch.
        await File.WriteAllTextAsync(Source, Playlist("hls-http"), Cancellation);
        var served = await ServeAsync(Source);

        await MediaFixtures.RunBareFFmpegAsync(served.Url.AbsoluteUri, _job.FullName, "-protocol_whitelist", FFmpegInput.LoopbackProtocols);

        Assert.True(_listener.Connections > 0, "ffmpeg did not fetch the segment either: the fixture proves nothing");
    }

    [Theory]
    [InlineData(Loopback)]
    [InlineData(LocalCopy)]
    public async Task A_picture_fails_for_good_as_not_media(string readThrough)
    {
        var picture = await MediaFixtures.PictureAsync(_job.FullName, "picture.png");
        File.Move(picture, Source);

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(async () => await EncodeAsync(await InputAsync(Source, readThrough)));

        Assert.Equal(Mp3Encoder.NotMedia, failure.Message);
    }

    [Fact]
    public async Task An_image_sequence_pattern_fails_for_good_as_not_media()
    {
        // A name ffmpeg reads as a numbered sequence (image2): frame-001.png, frame-002.png, …
        await MediaFixtures.PictureAsync(_job.FullName, "frame-001.png");
        await MediaFixtures.PictureAsync(_job.FullName, "frame-002.png");
        var pattern = Path.Combine(_job.FullName, "frame-%03d.png");
        File.Copy(Path.Combine(_job.FullName, "frame-001.png"), pattern);

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() => EncodeAsync(VideoInput.LocalFile(pattern)));

        Assert.Equal(Mp3Encoder.NotMedia, failure.Message);
    }

    [Theory]
    [InlineData(Loopback)]
    [InlineData(LocalCopy)]
    public async Task Real_media_still_converts(string readThrough)
    {
        var segment = await MediaFixtures.ToneSegmentAsync(_job.FullName, "tone.ts");

        var mp3 = await EncodeAsync(await InputAsync(segment, readThrough));

        Assert.InRange(mp3.DurationSeconds, 2.5, 3.5);
    }

    public async ValueTask DisposeAsync()
    {
        _served.ForEach(served => served.Dispose());
        await _videos.DisposeAsync();
        _listener.Dispose();
        await _localFile.DisposeAsync();
        _job.Delete(recursive: true);
    }

    private async Task<VideoInput> InputAsync(string path, string readThrough) =>
        readThrough == Loopback ? VideoInput.Served(await ServeAsync(path)) : VideoInput.LocalFile(path);

    private async Task<ServedVideo> ServeAsync(string path)
    {
        var served = await _videos.ServeAsync(await _videos.StoreAsync(path));
        _served.Add(served);
        return served;
    }

    private Task<EncodedMp3> EncodeAsync(VideoInput input) =>
        new Mp3Encoder(Options.Create(new ConverterOptions()))
            .EncodeAsync(input, Path.Combine(_job.FullName, "audio.mp3"), bitrate: null, new RecordingProgress(), Cancellation);

    private string Playlist(string kind) => kind switch
    {
        "hls-http" => Hls($"http://127.0.0.1:{_listener.Port}/segment.ts"),
        "hls-file" => Hls(_localFile.Path),
        "dash-http" => Dash($"http://127.0.0.1:{_listener.Port}/audio.mp4"),
        "dash-file" => Dash($"file://{_localFile.Path}"),
        // The concat demuxer's safe mode takes only plain relative names: one beside the playlist.
        "ffconcat" => $"ffconcat version 1.0\nfile 'elsewhere/segment.ts'\n",
        "sdp" => $"v=0\no=- 0 0 IN IP4 127.0.0.1\ns=stream\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio {_listener.Port} RTP/AVP 0\n",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Hls(string segment) =>
        $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n{segment}\n#EXT-X-ENDLIST\n";

    private static string Dash(string url) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT10S" minBufferTime="PT1S"
             profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
          <Period>
            <AdaptationSet mimeType="audio/mp4">
              <Representation id="audio" bandwidth="64000" codecs="mp4a.40.2">
                <BaseURL>{url}</BaseURL>
              </Representation>
            </AdaptationSet>
          </Period>
        </MPD>
        """;
}
