using System.Text;
using Microsoft.AspNetCore.Http;
using TuneSculptor.Gateway.Uploads;

namespace TuneSculptor.Gateway.Tests.Uploads;

public sealed class UploadFormTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data")]
    [InlineData("multipart/form-data; boundary=\"\"")]
    [InlineData("multipart/mixed; boundary=b")]
    public void Only_a_multipart_form_with_a_boundary_is_a_form(string? contentType) =>
        Assert.Null(UploadForm.Of(new DefaultHttpContext { Request = { ContentType = contentType } }.Request));

    [Theory]
    [InlineData("multipart/form-data; boundary=b")]
    [InlineData("Multipart/Form-Data; boundary=\"quoted boundary\"")]
    public void A_multipart_form_is_read_as_one(string contentType) =>
        Assert.NotNull(UploadForm.Of(new DefaultHttpContext { Request = { ContentType = contentType } }.Request));

    [Fact]
    public async Task Parts_come_in_order_and_checked()
    {
        var form = new MultipartBody().File([1, 2, 3], "clip.webm", "video/webm").Field("bitrate", "96").ToForm();

        var parts = await form.ReadPartsAsync(Cancellation).ToListAsync(Cancellation);

        Assert.Collection(
            parts,
            part =>
            {
                var video = Assert.IsType<UploadPart.Video>(part);
                Assert.Equal(("clip.webm", "video/webm"), (video.FileName, video.ContentType));
            },
            part => Assert.Equal(new UploadPart.Bitrate(96), part));
    }

    [Theory]
    [InlineData("Content-Disposition: form-data; name=\"title\"", "Unknown part 'title': send only 'file' and 'bitrate'.")]
    [InlineData("Content-Disposition: form-data; name=\"file\"", "The part 'file' must be a file: give it a filename in its Content-Disposition.")]
    [InlineData("Content-Disposition: form-data", "Every part needs a header 'Content-Disposition: form-data' with a name.")]
    [InlineData("Content-Disposition: attachment; name=\"file\"; filename=\"a.mp4\"", "Every part needs a header 'Content-Disposition: form-data' with a name.")]
    [InlineData("Content-Type: text/plain", "Every part needs a header 'Content-Disposition: form-data' with a name.")]
    public async Task A_part_that_is_not_file_or_bitrate_is_an_invalid_upload(string header, string reason)
    {
        var body = $"--b\r\n{header}\r\n\r\nvalue\r\n--b--\r\n";

        var refusal = await Assert.ThrowsAsync<InvalidUploadException>(async () =>
            await new UploadForm("b", new MemoryStream(Encoding.UTF8.GetBytes(body))).ReadPartsAsync(Cancellation).ToListAsync(Cancellation));
        Assert.Equal(reason, refusal.Message);
    }

    [Fact]
    public async Task A_long_name_is_shortened_in_the_refusal()
    {
        var form = new MultipartBody().Field(new string('n', 5000), "x").ToForm();

        var refusal = await Assert.ThrowsAsync<InvalidUploadException>(async () => await form.ReadPartsAsync(Cancellation).ToListAsync(Cancellation));
        Assert.Equal($"Unknown part '{new string('n', 40)}…': send only 'file' and 'bitrate'.", refusal.Message);
    }

    [Fact]
    public async Task A_huge_bitrate_part_is_refused_after_a_few_bytes_of_it()
    {
        // 64 MiB of bitrate: the form reads its first bytes (the reader buffers a little more), then refuses it.
        var head = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"bitrate\"\r\n\r\n");
        var body = new CountingStream(new FilledBody(head, fillLength: 64L * 1024 * 1024));

        var refusal = await Assert.ThrowsAsync<InvalidUploadException>(async () =>
            await new UploadForm("b", body).ReadPartsAsync(Cancellation).ToListAsync(Cancellation));

        Assert.Equal($"The part 'bitrate' is longer than {UploadForm.MaxFieldBytes} bytes.", refusal.Message);
        Assert.InRange(body.BytesRead, head.Length, 64 * 1024);
    }

    [Fact]
    public async Task More_headers_in_a_part_than_allowed_is_malformed_data()
    {
        var headers = string.Concat(Enumerable.Range(0, UploadForm.MaxHeadersPerPart + 1).Select(i => $"X-Header-{i}: {i}\r\n"));
        var body = $"--b\r\nContent-Disposition: form-data; name=\"bitrate\"\r\n{headers}\r\n128\r\n--b--\r\n";

        await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await new UploadForm("b", new MemoryStream(Encoding.UTF8.GetBytes(body))).ReadPartsAsync(Cancellation).ToListAsync(Cancellation));
    }

    [Fact]
    public void A_boundary_longer_than_70_characters_is_not_a_form() =>
        Assert.Null(UploadForm.Of(new DefaultHttpContext { Request = { ContentType = $"multipart/form-data; boundary={new string('b', 71)}" } }.Request));

    [Fact]
    public async Task The_utf8_file_name_wins_and_a_part_without_a_type_is_octets()
    {
        const string body =
            "--b\r\n" +
            "Content-Disposition: form-data; name=\"file\"; filename=\"ete.mp4\"; filename*=UTF-8''%C3%A9t%C3%A9.mp4\r\n" +
            "\r\n" +
            "abc\r\n" +
            "--b--\r\n";

        var parts = await new UploadForm("b", new MemoryStream(Encoding.UTF8.GetBytes(body))).ReadPartsAsync(Cancellation).ToListAsync(Cancellation);

        var video = Assert.IsType<UploadPart.Video>(Assert.Single(parts));
        Assert.Equal(("été.mp4", "application/octet-stream"), (video.FileName, video.ContentType));
    }

    [Fact]
    public async Task A_bitrate_not_offered_is_an_invalid_upload()
    {
        var form = new MultipartBody().Field("bitrate", "64").ToForm();

        var refusal = await Assert.ThrowsAsync<InvalidUploadException>(async () => await form.ReadPartsAsync(Cancellation).ToListAsync(Cancellation));
        Assert.Equal("bitrate must be one of 96, 128, 160, 192, 256, 320 (kbps).", refusal.Message);
    }
}
