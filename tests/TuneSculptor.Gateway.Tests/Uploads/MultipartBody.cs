using System.Net.Http.Headers;
using System.Text;
using TuneSculptor.Gateway.Uploads;

namespace TuneSculptor.Gateway.Tests.Uploads;

/// <summary>A multipart/form-data body as a browser or curl sends it, built part by part.</summary>
public sealed class MultipartBody
{
    private const string Boundary = "upload-test-boundary";

    private readonly MultipartFormDataContent _content = new(Boundary);

    public MultipartBody File(byte[] bytes, string fileName = "holiday.mp4", string contentType = "video/mp4")
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        _content.Add(part, "file", fileName);
        return this;
    }

    public MultipartBody Field(string name, string value)
    {
        _content.Add(new StringContent(value, Encoding.UTF8), name);
        return this;
    }

    public byte[] ToBytes()
    {
        using var bytes = new MemoryStream();
        _content.CopyTo(bytes, context: null, CancellationToken.None);
        return bytes.ToArray();
    }

    public UploadForm ToForm() => ToForm(new MemoryStream(ToBytes()));

    /// <summary>The form read from <paramref name="body"/>: these bytes as a client delivers them (or fails to).</summary>
    public static UploadForm ToForm(Stream body) => new(Boundary, body);
}
