using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MongoDB.Bson;
using TuneSculptor.Converter.Conversion;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// The converter's loopback source over HTTP, as ffmpeg's http protocol asks it: a stored video (several GridFS
/// chunks of random bytes) whole, by ranges, by HEAD; nothing but GET and HEAD of a live job's address answers; the
/// address dies with its job.
/// </summary>
public sealed class LoopbackVideoSourceTests(MongoServer mongo) : IClassFixture<MongoServer>, IAsyncDisposable
{
    // Five chunks and a bit: ranges cross chunk boundaries (GridFS's chunks are 255 KiB).
    private static readonly byte[] Content = RandomBytes(5 * 255 * 1024 + 1234);

    private readonly StoredVideos _videos = new(mongo);
    private readonly HttpClient _client = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_GET_gets_the_whole_video_and_says_ranges_are_accepted()
    {
        using var served = await ServeAsync();

        using var response = await _client.GetAsync(served.Url, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Equal(Content.Length, response.Content.Headers.ContentLength);
        Assert.Equal(Content, await response.Content.ReadAsByteArrayAsync(Cancellation));
        Assert.Equal("127.0.0.1", served.Url.Host);
        Assert.Null(served.ReadFailure);
    }

    [Theory]
    [InlineData(0L, 99L)]
    [InlineData(255L * 1024 - 10, 255L * 1024 + 10)] // across a chunk boundary
    [InlineData(3 * 255L * 1024, null)] // from there to the end, as ffmpeg asks after a seek
    public async Task A_range_gets_exactly_those_bytes(long from, long? to)
    {
        using var served = await ServeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, served.Url);
        request.Headers.Range = new RangeHeaderValue(from, to);

        using var response = await _client.SendAsync(request, Cancellation);

        var last = to ?? Content.Length - 1;
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {from}-{last}/{Content.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(Content[(int)from..((int)last + 1)], await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task A_suffix_range_gets_the_end_where_an_mp4_keeps_its_index()
    {
        using var served = await ServeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, served.Url);
        request.Headers.Range = new RangeHeaderValue(null, 1000);

        using var response = await _client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Content[^1000..], await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task A_range_past_the_end_is_refused_with_416()
    {
        using var served = await ServeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, served.Url);
        request.Headers.Range = new RangeHeaderValue(Content.Length + 10, null);

        using var response = await _client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
    }

    [Fact]
    public async Task A_HEAD_gets_the_length_and_no_body()
    {
        using var served = await ServeAsync();

        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, served.Url), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Content.Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task Any_other_method_is_refused_and_changes_nothing(string method)
    {
        using var served = await ServeAsync();

        using var response = await _client.SendAsync(
            new HttpRequestMessage(new HttpMethod(method), served.Url) { Content = new ByteArrayContent([1, 2, 3]) }, Cancellation);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(Content, await _client.GetByteArrayAsync(served.Url, Cancellation));
    }

    [Fact]
    public async Task Only_a_live_jobs_exact_address_answers()
    {
        using var served = await ServeAsync();
        var root = new Uri(served.Url, "/");

        foreach (var other in new[]
                 {
                     root,
                     new Uri(root, "health"),
                     new Uri(served.Url.AbsoluteUri + "x"),
                     new Uri(served.Url.AbsoluteUri[..^1]),
                     new Uri(served.Url.AbsoluteUri + "/"),
                     new Uri(served.Url.AbsoluteUri + "?a=1"),
                     new Uri(root, served.Url.AbsolutePath.ToUpperInvariant()),
                 })
        {
            using var response = await _client.GetAsync(other, Cancellation);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{other}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Addresses_are_unguessable_and_die_with_their_job()
    {
        var id = await _videos.StoreAsync(new MemoryStream(Content), "video.mkv");
        var first = await _videos.ServeAsync(id);
        using var second = await _videos.ServeAsync(id);

        Assert.NotEqual(first.Url, second.Url);
        Assert.Equal(43, first.Url.AbsolutePath.Length - 1); // 32 random bytes, base64url

        first.Dispose();

        using var gone = await _client.GetAsync(first.Url, Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(Content, await _client.GetByteArrayAsync(second.Url, Cancellation));
    }

    [Fact]
    public async Task A_response_in_flight_is_cut_off_when_its_job_stops()
    {
        var id = await _videos.StoreAsync(new MemoryStream(RandomBytes(64 * 1024 * 1024)), "large.mkv");
        var served = await _videos.ServeAsync(id);
        using var response = await _client.GetAsync(served.Url, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        await using var body = await response.Content.ReadAsStreamAsync(Cancellation);
        await body.ReadExactlyAsync(new byte[1024], Cancellation);

        served.Dispose();

        // The rest, if any, ends in an error rather than the whole video; and nothing counts as a read failure.
        await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null, Cancellation));
        Assert.Null(served.ReadFailure);
    }

    [Fact]
    public async Task A_source_that_cannot_listen_serves_nothing_and_says_why()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        await using var videos = new StoredVideos(
            mongo, new ConverterOptions { VideoSourcePort = ((IPEndPoint)taken.LocalEndpoint).Port }, loggerFactory);

        var served = await videos.Source.TryServeAsync(videos.JobId, ObjectId.GenerateNewId(), Cancellation);

        Assert.Null(served);
        var warning = Assert.Single(logs.Collector.GetSnapshot(), entry => entry.Level == LogLevel.Warning);
        Assert.Contains("could not be started", warning.Message);
        Assert.IsAssignableFrom<IOException>(warning.Exception);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _videos.DisposeAsync();
    }

    private async Task<ServedVideo> ServeAsync() => await _videos.ServeAsync(await _videos.StoreAsync(new MemoryStream(Content), "video.mkv"));

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
