using System.Net;
using System.Text.Json;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>
/// The product, end to end through the gateway: log in, upload, the converter runs ffmpeg, the notification mails a
/// link, the link downloads an mp3 — with real RabbitMQ, MongoDB stand-in, ffmpeg and smtp4dev.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class PipelineTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MailBox _mail = new(fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string> Formats => new(MediaSamples.Formats.Keys);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_video_becomes_an_mp3_of_the_same_length_mailed_as_a_link(string format)
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var video = await _media.VideoAsync(format);
        var source = await MediaSamples.ProbeAsync(video);

        var jobId = await _gateway.UploadForJobAsync(token, video, Cancellation);
        var job = await _gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation);

        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        var mail = await _mail.WaitForMailAsync(email, JobTimeout, Cancellation);
        Assert.Contains($"sample.{format}", mail.Subject);
        var link = mail.DownloadLink;
        Assert.True(link is not null, mail.Text);
        Assert.Equal(job.GetProperty("download_url").GetString(), link);
        // In the HTML part as an attribute, so with its & encoded.
        Assert.Contains($"href=\"{link!.Replace("&", "&amp;", StringComparison.Ordinal)}\"", mail.Html);

        var mp3 = await DownloadAsync(token, new Uri(link).PathAndQuery, $"{format}.mp3");
        var result = await MediaSamples.ProbeAsync(mp3);
        Assert.Equal("mp3", result.FormatName);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{format}: source {source.DurationSeconds:0.000} s, mp3 {result.DurationSeconds:0.000} s " +
            $"({(result.DurationSeconds / source.DurationSeconds - 1) * 100:+0.00;-0.00} %)");
        Assert.InRange(result.DurationSeconds, source.DurationSeconds * 0.98, source.DurationSeconds * 1.02);
        // The job's length is ffmpeg's own count of what it wrote, not a second probe.
        Assert.InRange(job.GetProperty("duration_seconds").GetDouble(), result.DurationSeconds - 0.1, result.DurationSeconds + 0.1);
        // ffmpeg read the video from GridFS as it was fetched, not from a copy on disk.
        Assert.Contains($"Job {jobId}: ffmpeg reads the video from GridFS through loopback", fixture.System.RecentLogs("converter", maxLines: 2000));
    }

    [Fact]
    public async Task The_mp3_keeps_the_title_and_artist_and_honours_a_constant_bitrate()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var jobId = await _gateway.UploadForJobAsync(token, await _media.VideoAsync("mp4"), Cancellation, bitrate: 128);
        var job = await _gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation);
        Assert.Equal(128, job.GetProperty("bitrate").GetInt32());

        var mp3 = await MediaSamples.ProbeAsync(await DownloadAsync(token, DownloadPath(job), "cbr.mp3"));

        Assert.Equal(MediaSamples.Title, mp3.Tags.GetValueOrDefault("title"));
        Assert.Equal(MediaSamples.Artist, mp3.Tags.GetValueOrDefault("artist"));
        Assert.InRange(mp3.BitRate, 127_000, 129_000);
    }

    public static TheoryData<string, string> UnusableFiles => new()
    {
        { "text", "not a video or audio file" },
        // A picture is not read at all: image demuxers are outside the converter's allowlist.
        { "picture", "not a video or audio file" },
        { "silent", "no sound" },
        { "truncated", "not a video or audio file" },
    };

    [Theory]
    [MemberData(nameof(UnusableFiles))]
    public async Task A_file_without_usable_sound_fails_its_job_with_a_reason_and_a_mail(string kind, string reason)
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var file = kind switch
        {
            "text" => _media.TextFile(),
            "picture" => await _media.PictureAsync(),
            "silent" => await _media.SilentVideoAsync(),
            _ => await _media.TruncatedVideoAsync(),
        };

        var jobId = await _gateway.UploadForJobAsync(token, file, Cancellation);
        var job = await _gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains(reason, job.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("download_url").ValueKind);
        var mail = await _mail.WaitForMailAsync(email, JobTimeout, Cancellation);
        Assert.Contains(Path.GetFileName(file), mail.Subject);
        Assert.Contains(reason, mail.Text);
    }

    [Fact]
    public async Task Bad_uploads_are_refused_at_once_and_leave_nothing_queued_or_looping()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);

        using (var empty = await _gateway.UploadAsync(token, _media.EmptyFile(), null, Cancellation))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        }

        using (var tooLarge = await _gateway.UploadAsync(token, _media.RandomFile(SystemFixture.MaxUploadSize + 1), null, Cancellation))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
        }

        using (var badBitrate = await _gateway.UploadAsync(token, await _media.VideoAsync("mp4"), bitrate: 100, Cancellation))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badBitrate.StatusCode);
        }

        using (var noFile = await _gateway.PostFormAsync(token, new() { ["bitrate"] = "128" }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        }

        using (var jobs = await _gateway.GetAsync(token, "/jobs", Cancellation))
        {
            // None of the refused uploads made a job.
            var page = JsonDocument.Parse(await jobs.Content.ReadAsStringAsync(Cancellation)).RootElement;
            Assert.Equal(0, page.GetProperty("total").GetInt64());
        }

        // Failed jobs of the other tests were dead-lettered, not requeued: the work queues drain and keep consumers.
        await using var broker = await BrokerQueues.ConnectAsync(fixture.System, Cancellation);
        foreach (var queue in new[] { "video", "mp3" })
        {
            var (ready, consumers) = await broker.InspectAsync(queue, Cancellation);
            Assert.Equal(0u, ready);
            Assert.True(consumers >= 1, $"{queue} has no consumer");
        }
    }

    [Fact]
    public async Task Another_user_cannot_see_a_job_or_download_its_mp3()
    {
        var (_, owner) = await _gateway.SignUpAsync(Cancellation);
        var (_, stranger) = await _gateway.SignUpAsync(Cancellation);
        var jobId = await _gateway.UploadForJobAsync(owner, await _media.VideoAsync("mp4"), Cancellation);
        var job = await _gateway.WaitForJobAsync(owner, jobId, JobTimeout, Cancellation);

        using var jobAsStranger = await _gateway.GetAsync(stranger, $"/jobs/{jobId}", Cancellation);
        // By id with their own token; the signed link itself is a capability, which works for whoever holds it.
        using var mp3AsStranger = await _gateway.GetAsync(stranger, $"/download?fid={job.GetProperty("mp3_fid").GetString()}", Cancellation);
        using var unknownMp3 = await _gateway.GetAsync(owner, "/download?fid=0123456789abcdef01234567", Cancellation);
        using var malformed = await _gateway.GetAsync(owner, "/download?fid=../../etc/passwd", Cancellation);
        using var strangersJobs = await _gateway.GetAsync(stranger, "/jobs", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, jobAsStranger.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, mp3AsStranger.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownMp3.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.DoesNotContain(jobId, await strangersJobs.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task A_range_request_gets_exactly_those_bytes()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var jobId = await _gateway.UploadForJobAsync(token, await _media.VideoAsync("mkv"), Cancellation);
        var path = DownloadPath(await _gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation));
        var whole = await File.ReadAllBytesAsync(await DownloadAsync(token, path, "whole.mp3"), Cancellation);

        using var partial = await _gateway.GetAsync(token, path, Cancellation, range: "bytes=1000-1999");

        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal($"bytes 1000-1999/{whole.Length}", partial.Content.Headers.ContentRange?.ToString());
        Assert.Equal(whole[1000..2000], await partial.Content.ReadAsByteArrayAsync(Cancellation));
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_and_paged()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var first = await _gateway.UploadForJobAsync(token, await _media.VideoAsync("mp4"), Cancellation);
        var second = await _gateway.UploadForJobAsync(token, await _media.VideoAsync("mov"), Cancellation);

        using var page1 = await _gateway.GetAsync(token, "/jobs?page=1&page_size=1", Cancellation);
        using var page2 = await _gateway.GetAsync(token, "/jobs?page=2&page_size=1", Cancellation);

        var one = JsonDocument.Parse(await page1.Content.ReadAsStringAsync(Cancellation)).RootElement;
        var two = JsonDocument.Parse(await page2.Content.ReadAsStringAsync(Cancellation)).RootElement;
        Assert.Equal(2, one.GetProperty("total").GetInt64());
        Assert.Equal(second, one.GetProperty("items")[0].GetProperty("job_id").GetString());
        Assert.Equal(first, two.GetProperty("items")[0].GetProperty("job_id").GetString());
    }

    [Fact]
    public async Task The_downloaded_file_is_named_after_the_upload()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var video = await _media.VideoAsync("webm");
        var named = _media.PathFor("Mon été 2026.webm");
        File.Copy(video, named);
        var job = await _gateway.WaitForJobAsync(token, await _gateway.UploadForJobAsync(token, named, Cancellation), JobTimeout, Cancellation);

        using var response = await _gateway.GetAsync(token, DownloadPath(job), Cancellation);

        Assert.Equal("audio/mpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Mon été 2026.mp3", response.Content.Headers.ContentDisposition?.FileNameStar);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _mail.Dispose();
        _media.Dispose();
    }

    private async Task<string> DownloadAsync(string token, string pathAndQuery, string saveAs)
    {
        using var response = await _gateway.GetAsync(token, pathAndQuery, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var path = _media.PathFor(saveAs);
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync(Cancellation), Cancellation);
        return path;
    }

    private static string DownloadPath(JsonElement job) => new Uri(job.GetProperty("download_url").GetString()!).PathAndQuery;
}
