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
    public async Task Parts_come_in_order_checked_and_unknown_ones_skipped()
    {
        var form = new MultipartBody().Field("title", "skipped").File([1, 2, 3], "clip.webm", "video/webm").Field("bitrate", "96").ToForm();

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
