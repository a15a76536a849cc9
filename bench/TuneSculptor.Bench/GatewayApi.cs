using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TuneSculptor.Bench;

/// <summary>When a job's milestones were reached, from the start of its upload.</summary>
public sealed record JobTiming(TimeSpan Accepted, TimeSpan Converting, TimeSpan Done, TimeSpan FirstByte, long Mp3Bytes);

/// <summary>The public HTTP API, as a user sees it: everything goes through the gateway.</summary>
public sealed class GatewayApi(Uri gateway) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = Timeout.InfiniteTimeSpan };
    private string _token = "";

    /// <summary>The signed-in user's id: the <c>owner_id</c> of their files.</summary>
    public string UserId { get; private set; } = "";

    /// <summary>Registers a fresh account, logs in with it and remembers the token.</summary>
    public async Task SignUpAsync(CancellationToken cancellationToken)
    {
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        const string password = "benchmark passphrase";
        using (var registered = await _http.PostAsJsonAsync("/register", new { email, password }, cancellationToken))
        {
            await EnsureAsync(registered, HttpStatusCode.Created, "register");
        }

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/login"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
            using var login = await _http.SendAsync(request, cancellationToken);
            await EnsureAsync(login, HttpStatusCode.OK, "login");
            _token = (await ReadJsonAsync(login, cancellationToken)).GetProperty("access_token").GetString()!;
        }

        using var me = await SendAsync(HttpMethod.Get, "/me", null, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureAsync(me, HttpStatusCode.OK, "me");
        UserId = (await ReadJsonAsync(me, cancellationToken)).GetProperty("id").GetString()!;
    }

    /// <summary><c>POST /upload</c> with <paramref name="file"/> as the part <c>file</c>; returns the job id (202).</summary>
    public async Task<string> UploadAsync(HttpContent file, string fileName, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        form.Add(file, "file", fileName);
        using var response = await SendAsync(HttpMethod.Post, "/upload", form, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.Accepted, "upload");
        return (await ReadJsonAsync(response, cancellationToken)).GetProperty("job_id").GetString()!;
    }

    public async Task<JsonElement> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/jobs/{jobId}", null, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, "job");
        return await ReadJsonAsync(response, cancellationToken);
    }

    /// <summary>Polls the job every <paramref name="interval"/> until it is in one of <paramref name="statuses"/>.</summary>
    public async Task<JsonElement> WaitForJobAsync(string jobId, TimeSpan interval, CancellationToken cancellationToken, params string[] statuses)
    {
        while (true)
        {
            var job = await GetJobAsync(jobId, cancellationToken);
            if (statuses.Contains(job.GetProperty("status").GetString()))
            {
                return job;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary><c>GET /download?fid=</c>, answered once the headers are in: the body is read by the caller.</summary>
    public async Task<HttpResponseMessage> DownloadAsync(string fid, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, $"/download?fid={fid}", null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, "download");
        return response;
    }

    /// <summary>
    /// One job end to end: upload the clip, poll the job every 50 ms until done, then open its download and read the
    /// first bytes (the moment a user gets the mp3); the rest is read afterwards, untimed.
    /// </summary>
    public async Task<JobTiming> ConvertAsync(string clip, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        string jobId;
        await using (var file = File.OpenRead(clip))
        {
            jobId = await UploadAsync(new StreamContent(file, 1024 * 1024), Path.GetFileName(clip), cancellationToken);
        }

        var accepted = stopwatch.Elapsed;
        var converting = TimeSpan.Zero;
        JsonElement job;
        while (true)
        {
            job = await GetJobAsync(jobId, cancellationToken);
            var status = job.GetProperty("status").GetString();
            if (status is "done" or "failed")
            {
                break;
            }

            if (status == "converting" && converting == TimeSpan.Zero)
            {
                converting = stopwatch.Elapsed;
            }

            await Task.Delay(50, cancellationToken);
        }

        // Converted between two polls: it was seen converting no earlier than done.
        var done = stopwatch.Elapsed;
        converting = converting == TimeSpan.Zero ? done : converting;
        if (job.GetProperty("status").GetString() != "done")
        {
            throw new InvalidOperationException($"Job {jobId} for {Path.GetFileName(clip)} failed: {job.GetProperty("error")}");
        }

        using var response = await DownloadAsync(job.GetProperty("mp3_fid").GetString()!, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[81920];
        long length = await body.ReadAsync(buffer, cancellationToken);
        var firstByte = stopwatch.Elapsed;
        if (length == 0)
        {
            throw new InvalidOperationException($"The mp3 of job {jobId} is empty.");
        }

        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            length += read;
        }

        return new JobTiming(accepted, converting, done, firstByte, length);
    }

    private Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string pathAndQuery, HttpContent? content, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, pathAndQuery) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        return _http.SendAsync(request, completion, cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"{what}: {(int)response.StatusCode} {response.StatusCode} (expected {(int)expected}): {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}

/// <summary><paramref name="size"/> bytes of noise, made as they are sent: large uploads need no file.</summary>
public sealed class GeneratedContent(long size) : HttpContent
{
    private static readonly byte[] Noise = MakeNoise();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        WriteAsync(stream, size, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        WriteAsync(stream, size, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = size;
        return true;
    }

    /// <summary>Writes <paramref name="length"/> bytes of noise (a random megabyte, repeated).</summary>
    public static async Task WriteAsync(Stream stream, long length, CancellationToken cancellationToken)
    {
        for (long written = 0; written < length;)
        {
            var count = (int)Math.Min(Noise.Length, length - written);
            await stream.WriteAsync(Noise.AsMemory(0, count), cancellationToken);
            written += count;
        }
    }

    private static byte[] MakeNoise()
    {
        var noise = new byte[1024 * 1024];
        new Random(42).NextBytes(noise);
        return noise;
    }
}
