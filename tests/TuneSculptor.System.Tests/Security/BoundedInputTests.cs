using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;
using static TuneSculptor.System.Tests.Security.RawForms;

namespace TuneSculptor.System.Tests.Security;

/// <summary>
/// Issue 16, bounded input, through the gateway of a running system: every malformed or oversized request is a 4xx
/// problem (never a 500), stores nothing (no GridFS file, no chunk, no job), and costs the gateway little memory.
/// The upload limit here is <see cref="SystemFixture.MaxUploadSize"/> (8 MiB); <see cref="LargeUploadTests"/> has the
/// cases that need the default limit (2 GiB). The answer for a deleted mp3 is tested in-process (Mp3DownloadTests).
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class BoundedInputTests(SystemFixture fixture) : IDisposable
{
    /// <summary>The gateway's upload body limit: the file limit plus room for the form (UploadOptions.FormOverhead).</summary>
    private const long MaxRequestBodySize = SystemFixture.MaxUploadSize + 16 * 1024;

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly HttpClient _http = new() { BaseAddress = fixture.System.GetHttpEndpoint("gateway") };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("no boundary")]
    [InlineData("a boundary of 71 characters")]
    [InlineData("an empty body")]
    [InlineData("another boundary in the body")]
    [InlineData("more headers in a part than allowed")]
    [InlineData("part headers over 16 KiB")]
    [InlineData("truncated in the part headers")]
    [InlineData("truncated in the file")]
    [InlineData("an unknown part after the file")]
    [InlineData("an unknown part before the file")]
    [InlineData("a second file")]
    [InlineData("no file")]
    [InlineData("a file part without a file name")]
    [InlineData("a part without a name")]
    [InlineData("a bitrate of 17 bytes")]
    [InlineData("a bitrate twice")]
    public async Task A_malformed_upload_is_a_400_problem_and_stores_nothing(string form)
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var since = DateTime.UtcNow;
        var (contentType, body) = Malformed(form);

        using var response = await PostUploadAsync(token, contentType, new ByteArrayContent(body));

        await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        await NothingStored.AssertAsync(fixture.System, _gateway, email, token, since, Cancellation);
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_is_a_415_problem_and_stores_nothing()
    {
        // Refused by routing (the endpoint accepts multipart/form-data only), before the handler runs.
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var since = DateTime.UtcNow;

        using var response = await PostUploadAsync(token, "application/octet-stream", new ByteArrayContent(new byte[100_000]));

        await Problem.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
        await NothingStored.AssertAsync(fixture.System, _gateway, email, token, since, Cancellation);
    }

    [Fact]
    public async Task A_body_announced_over_the_limit_is_a_413_problem()
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var since = DateTime.UtcNow;

        using var response = await PostUploadAsync(token, FormType(), new ByteArrayContent(new byte[MaxRequestBodySize + 1]));

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await NothingStored.AssertAsync(fixture.System, _gateway, email, token, since, Cancellation);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_a_413_problem_and_its_partial_file_is_removed()
    {
        // The file itself is within its limit; the form around it (a preamble and a padded header, each allowed alone)
        // takes the body past the file limit plus its slack. Kestrel counts the bytes read, and stops there.
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var since = DateTime.UtcNow;
        var body = Concat(
            Ascii(new string('p', 16_000) + "\r\n"),
            FilePartHead("clip.mp4", $"X-Padding: {new string('x', 1_000)}\r\n"),
            new byte[SystemFixture.MaxUploadSize],
            Ascii($"\r\n--{Boundary}--\r\n"));
        Assert.True(body.Length > MaxRequestBodySize);

        using var response = await PostUploadAsync(token, FormType(), new ChunkedContent(body));

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await NothingStored.AssertAsync(fixture.System, _gateway, email, token, since, Cancellation);
    }

    [Fact]
    public async Task A_chunked_file_over_the_file_limit_is_a_413_problem()
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var since = DateTime.UtcNow;
        var body = Concat(FilePartHead("clip.mp4"), new byte[SystemFixture.MaxUploadSize + 1], Ascii($"\r\n--{Boundary}--\r\n"));

        using var response = await PostUploadAsync(token, FormType(), new ChunkedContent(body));

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await NothingStored.AssertAsync(fixture.System, _gateway, email, token, since, Cancellation);
    }

    [Theory]
    [InlineData("/register", false)]
    [InlineData("/register", true)]
    [InlineData("/login", false)]
    public async Task A_json_body_over_16_KiB_is_a_413_problem_at_the_gateway(string path, bool chunked)
    {
        var body = Ascii(JsonSerializer.Serialize(new { email = GatewayClient.UniqueEmail(), password = new string('p', 16 * 1024) }));
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await _http.PostAsync(path, content, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Auth_itself_refuses_a_json_body_over_16_KiB(bool chunked)
    {
        using var auth = new HttpClient { BaseAddress = fixture.System.GetHttpEndpoint("auth") };
        var email = GatewayClient.UniqueEmail();
        var body = Ascii(JsonSerializer.Serialize(new { email, password = new string('p', 16 * 1024) }));
        HttpContent content = chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await auth.PostAsync("/register", content, Cancellation);

        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        using var login = await _gateway.LoginAsync(email, new string('p', 16 * 1024), Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Theory]
    [InlineData("page=2147483647", HttpStatusCode.BadRequest)]
    [InlineData("page=10001", HttpStatusCode.BadRequest)]
    [InlineData("page=10000", HttpStatusCode.OK)]
    [InlineData("page=1", HttpStatusCode.OK)]
    [InlineData("page=0", HttpStatusCode.BadRequest)]
    [InlineData("page=-1", HttpStatusCode.BadRequest)]
    [InlineData("page=99999999999", HttpStatusCode.BadRequest)]
    [InlineData("page=abc", HttpStatusCode.BadRequest)]
    [InlineData("page_size=0", HttpStatusCode.BadRequest)]
    [InlineData("page_size=101", HttpStatusCode.BadRequest)]
    [InlineData("page_size=2147483647", HttpStatusCode.BadRequest)]
    [InlineData("page_size=100", HttpStatusCode.OK)]
    [InlineData("page=10000&page_size=100", HttpStatusCode.OK)]
    public async Task Paging_is_bounded(string query, HttpStatusCode expected)
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);

        using var response = await _gateway.GetAsync(token, $"/jobs?{query}", Cancellation);

        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement;
            Assert.Equal(0, page.GetProperty("items").GetArrayLength());
        }
        else
        {
            await Problem.AssertAsync(response, expected);
        }
    }

    /// <summary>The malformed forms of the theory above: a content type and a body.</summary>
    private static (string ContentType, byte[] Body) Malformed(string form)
    {
        var video = new byte[100_000];
        var end = Ascii($"\r\n--{Boundary}--\r\n");
        return form switch
        {
            "no boundary" => ("multipart/form-data", Concat(FilePartHead("a.mp4"), video, end)),
            "a boundary of 71 characters" => ($"multipart/form-data; boundary={new string('b', 71)}", Concat(FilePartHead("a.mp4"), video, end)),
            "an empty body" => (FormType(), []),
            "another boundary in the body" => ("multipart/form-data; boundary=elsewhere", Concat(FilePartHead("a.mp4"), video, end)),
            "more headers in a part than allowed" => (FormType(), Concat(
                FilePartHead("a.mp4", string.Concat(Enumerable.Range(0, 16).Select(i => $"X-Header-{i}: {i}\r\n"))), video, end)),
            "part headers over 16 KiB" => (FormType(), Concat(FilePartHead("a.mp4", $"X-Padding: {new string('x', 16 * 1024)}\r\n"), video, end)),
            "truncated in the part headers" => (FormType(), Ascii($"--{Boundary}\r\nContent-Disposition: form-da")),
            "truncated in the file" => (FormType(), Concat(FilePartHead("a.mp4"), new byte[1024 * 1024])),
            "an unknown part after the file" => (FormType(), Concat(FilePartHead("a.mp4"), video, Field("title", "holiday"), end)),
            "an unknown part before the file" => (FormType(), Concat(Field("title", "holiday", first: true), FilePartHead("a.mp4", first: false), video, end)),
            "a second file" => (FormType(), Concat(FilePartHead("a.mp4"), video, FilePartHead("b.mp4", first: false), video, end)),
            "no file" => (FormType(), Concat(Field("bitrate", "128", first: true), end)),
            "a file part without a file name" => (FormType(), Concat(Ascii($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"), video, end)),
            "a part without a name" => (FormType(), Concat(Ascii($"--{Boundary}\r\nContent-Disposition: form-data\r\n\r\n128"), end)),
            "a bitrate of 17 bytes" => (FormType(), Concat(FilePartHead("a.mp4"), video, Field("bitrate", new string(' ', 14) + "128"), end)),
            "a bitrate twice" => (FormType(), Concat(FilePartHead("a.mp4"), video, Field("bitrate", "128"), Field("bitrate", "320"), end)),
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, "No such malformed form."),
        };
    }

    private async Task<HttpResponseMessage> PostUploadAsync(string token, string contentType, HttpContent content)
    {
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request, Cancellation);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _http.Dispose();
    }
}
