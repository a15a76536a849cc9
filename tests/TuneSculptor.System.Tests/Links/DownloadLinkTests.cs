using System.Globalization;
using System.Net;
using System.Text.Json;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Links;

/// <summary>
/// The link in the mail, as a person clicks it: no sign-in, any device, for as long as the file is kept. A link
/// changed in any way, for another file or of a deleted job is refused, saying which, as a page to a browser and as
/// ProblemDetails to an API client. Deleting a job, after or during its conversion, leaves no file behind. (Expiry:
/// <see cref="ExpiredLinkTests"/>, on a system that keeps files briefly.)
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class DownloadLinkTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan JobTimeout = MailedLinks.JobTimeout;

    private readonly MailedLinks _links = new(fixture.System);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HostProcessSystem Running => fixture.System;

    [Fact]
    public async Task The_mailed_link_downloads_the_mp3_with_no_sign_in_whole_and_in_ranges_and_shows_in_no_log_or_trace()
    {
        var gatewayLog = Running.LogMark("gateway");
        var (_, token, jobId, link) = await _links.ConvertAndMailAsync();
        var job = await _links.Gateway.GetJobAsync(token, jobId, Cancellation);
        Assert.Equal(job.GetProperty("download_url").GetString(), link);

        using var whole = await _links.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("audio/mpeg", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal("sample.mp3", whole.Content.Headers.ContentDisposition?.FileNameStar ?? whole.Content.Headers.ContentDisposition?.FileName);
        var bytes = await whole.Content.ReadAsByteArrayAsync(Cancellation);
        var mp3 = _links.Media.PathFor("from-the-mail.mp3");
        await File.WriteAllBytesAsync(mp3, bytes, Cancellation);
        var probe = await MediaSamples.ProbeAsync(mp3);
        Assert.Equal("mp3", probe.FormatName);
        Assert.InRange(probe.DurationSeconds, MediaSamples.SampleSeconds * 0.98, MediaSamples.SampleSeconds * 1.02);

        using var range = await _links.GetAsync(link, range: "bytes=100-199");
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal($"bytes 100-199/{bytes.Length}", range.Content.Headers.ContentRange?.ToString());
        Assert.Equal(bytes[100..200], await range.Content.ReadAsByteArrayAsync(Cancellation));

        // Without a link's signature the route is the API's: the owner's token, as before.
        using var bare = await _links.GetAsync($"{new Uri(link).GetLeftPart(UriPartial.Path)}?fid={MailedLinks.Query(link)["fid"]}");
        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);

        // The signature is a credential: not in the gateway's log, nor in any span exported.
        var sig = MailedLinks.Query(link)["sig"].ToString();
        await fixture.Telemetry.WaitForAsync(
            receiver => receiver.Spans.FirstOrDefault(span => span.Service == "gateway" && span.Name.StartsWith("GET /download", StringComparison.Ordinal)
                                                              && span.Attribute("http.response.status_code") == "206"),
            TimeSpan.FromSeconds(30), "the span of the range request", Cancellation);
        Assert.DoesNotContain(sig, Running.LogsSince("gateway", gatewayLog), StringComparison.Ordinal);
        Assert.All(fixture.Telemetry.Spans, span => Assert.All(span.Attributes, attribute =>
            Assert.DoesNotContain(sig, attribute.Value, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_link_changed_in_one_character_or_moved_to_another_users_file_is_refused_as_invalid()
    {
        var mine = await _links.ConvertAndMailAsync();
        var theirs = await _links.ConvertAndMailAsync();
        var query = MailedLinks.Query(mine.Link);
        var other = MailedLinks.Query(theirs.Link);
        var path = new Uri(mine.Link).GetLeftPart(UriPartial.Path);
        string Link(string fid, string expires, string sig) => $"{path}?fid={fid}&expires={expires}&sig={sig}";

        string[] refused =
        [
            Link(query["fid"]!, query["expires"]!, OneCharacterChanged(query["sig"]!)),
            Link(OneCharacterChanged(query["fid"]!), query["expires"]!, query["sig"]!),
            Link(query["fid"]!, (long.Parse(query["expires"]!, CultureInfo.InvariantCulture) + 3600).ToString(CultureInfo.InvariantCulture), query["sig"]!),
            // Another user's file under this link's signature, and the other way round.
            Link(other["fid"]!, query["expires"]!, query["sig"]!),
            Link(query["fid"]!, other["expires"]!, other["sig"]!),
            Link(query["fid"]!, query["expires"]!, query["sig"]! + "A"),
            Link(query["fid"]!, "", query["sig"]!),
            $"{path}?fid={query["fid"]}&sig={query["sig"]}",
        ];
        foreach (var link in refused)
        {
            await _links.AssertRefusedAsync(link, HttpStatusCode.Forbidden, "This download link is not valid.");
        }

        // The genuine links still work.
        using var genuine = await _links.GetAsync(mine.Link);
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task A_deleted_job_reads_deleted_its_files_are_gone_and_its_link_is_refused_as_deleted()
    {
        var started = DateTime.UtcNow;
        var (_, token, jobId, link) = await _links.ConvertAndMailAsync();
        var (_, stranger) = await _links.Gateway.SignUpAsync(Cancellation);
        var media = await MediaDatabase.ConnectAsync(Running, Cancellation);
        Assert.NotEmpty(await media.FilesOfJobAsync(jobId, Cancellation));

        using (var notTheirs = await _links.Gateway.DeleteJobAsync(stranger, jobId, Cancellation))
        {
            Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        }

        using (var stillThere = await _links.GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        }

        using (var deleted = await _links.Gateway.DeleteJobAsync(token, jobId, Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var again = await _links.Gateway.DeleteJobAsync(token, jobId, Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }

        var job = await _links.Gateway.GetJobAsync(token, jobId, Cancellation);
        Assert.Equal("deleted", job.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("download_url").ValueKind);
        await _links.AssertRefusedAsync(link, HttpStatusCode.Gone, "This file was deleted.");
        using (var withToken = await _links.Gateway.GetAsync(token, $"/download?fid={MailedLinks.Query(link)["fid"]}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.NotFound, withToken.StatusCode);
        }

        Assert.Empty(await media.FilesOfJobAsync(jobId, Cancellation));
        Assert.Empty(await media.OrphanChunksAsync(started, Cancellation));
    }

    [Fact]
    public async Task A_job_deleted_while_it_converts_keeps_no_file_and_mails_nobody()
    {
        var started = DateTime.UtcNow;
        var (email, token) = await _links.Gateway.SignUpAsync(Cancellation);
        var jobId = await _links.Gateway.UploadForJobAsync(token, await _links.Media.LongVideoAsync(), Cancellation);
        await _links.Gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation, "converting");
        var converterLog = Running.LogMark("converter");

        using (var deleted = await _links.Gateway.DeleteJobAsync(token, jobId, Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // The converter stops its ffmpeg run when its lease on the job fails (or finds the job deleted after a run that
        // ended first), and keeps nothing.
        var abandoned = $"Job {jobId} was deleted by its owner";
        var deadline = DateTime.UtcNow + JobTimeout;
        while (!Running.LogsSince("converter", converterLog).Contains(abandoned, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The converter did not abandon job {jobId}:\n{Running.LogsSince("converter", converterLog)}");
            await Task.Delay(250, Cancellation);
        }

        Assert.Equal("deleted", (await _links.Gateway.GetJobAsync(token, jobId, Cancellation)).GetProperty("status").GetString());
        var media = await MediaDatabase.ConnectAsync(Running, Cancellation);
        Assert.Empty(await media.FilesOfJobAsync(jobId, Cancellation));
        Assert.Empty(await media.OrphanChunksAsync(started, Cancellation));

        // A job after it is mailed as usual: the only mail this user gets is that one's.
        var next = await _links.Gateway.UploadForJobAsync(token, await _links.Media.VideoAsync("mp4"), Cancellation);
        await _links.Gateway.WaitForJobAsync(token, next, JobTimeout, Cancellation);
        var mail = await _links.Mail.WaitForMailAsync(email, JobTimeout, Cancellation);
        Assert.Contains("sample.mp4", mail.Subject);
        Assert.Single(await _links.Mail.ToAsync(email, Cancellation));
    }

    public void Dispose() => _links.Dispose();

    /// <summary>The same text with its middle character replaced by another of the same alphabet.</summary>
    private static string OneCharacterChanged(string text)
    {
        var i = text.Length / 2;
        var replacement = text[i] == 'a' ? 'b' : 'a';
        return string.Concat(text[..i], replacement.ToString(), text[(i + 1)..]);
    }
}
