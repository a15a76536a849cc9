using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TuneSculptor.AppHost.Tests.Harness;

/// <summary>The public HTTP API as a user (or curl) sees it: everything goes through the gateway.</summary>
public sealed class GatewayClient(Uri gateway) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };

    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public Task<HttpResponseMessage> RegisterAsync(string email, string password, CancellationToken cancellationToken) =>
        _http.PostAsJsonAsync("/register", new { email, password }, cancellationToken);

    public Task<HttpResponseMessage> LoginAsync(string email, string password, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/login");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
        return _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Registers a new account and logs in with it; fails the test if either step does.</summary>
    public async Task<(string Email, string Token)> SignUpAsync(CancellationToken cancellationToken)
    {
        var email = UniqueEmail();
        const string password = "correct horse battery";
        using var registered = await RegisterAsync(email, password, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, registered.StatusCode);
        return (email, await LoginForTokenAsync(email, password, cancellationToken));
    }

    public async Task<string> LoginForTokenAsync(string email, string password, CancellationToken cancellationToken)
    {
        using var response = await LoginAsync(email, password, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    public Task<HttpResponseMessage> GetMeAsync(string? bearerToken, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return _http.SendAsync(request, cancellationToken);
    }

    public async Task<HttpResponseMessage> UploadAsync(string token, string path, int? bitrate, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        if (bitrate is { } kbps)
        {
            form.Add(new StringContent(kbps.ToString(System.Globalization.CultureInfo.InvariantCulture)), "bitrate");
        }

        await using var file = File.OpenRead(path);
        form.Add(new StreamContent(file), "file", Path.GetFileName(path));
        var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request, cancellationToken);
    }

    /// <summary>An upload form with only these fields (no file part).</summary>
    public Task<HttpResponseMessage> PostFormAsync(string token, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Uploads and returns the job id; fails the test unless the upload is accepted.</summary>
    public async Task<string> UploadForJobAsync(string token, string path, CancellationToken cancellationToken, int? bitrate = null)
    {
        using var response = await UploadAsync(token, path, bitrate, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"upload of {Path.GetFileName(path)}: {(int)response.StatusCode} {body}");
        var jobId = JsonDocument.Parse(body).RootElement.GetProperty("job_id").GetString()!;
        Assert.Equal($"/jobs/{jobId}", response.Headers.Location?.OriginalString);
        return jobId;
    }

    public Task<HttpResponseMessage> GetAsync(string token, string pathAndQuery, CancellationToken cancellationToken, string? range = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (range is not null)
        {
            request.Headers.Range = RangeHeaderValue.Parse(range);
        }

        return _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Polls the job until it is in one of <paramref name="statuses"/> (by default: finished, done or failed).</summary>
    public async Task<JsonElement> WaitForJobAsync(
        string token, string jobId, TimeSpan timeout, CancellationToken cancellationToken, params string[] statuses)
    {
        statuses = statuses.Length > 0 ? statuses : ["done", "failed"];
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await GetAsync(token, $"/jobs/{jobId}", cancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
            if (statuses.Contains(job.GetProperty("status").GetString()))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {jobId} still {job.GetProperty("status").GetString()} after {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();
}
