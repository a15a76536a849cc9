using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace TuneSculptor.Testing;

/// <summary>
/// The public HTTP API as a user (or curl) sees it: everything goes through the gateway. Calls that return a response
/// leave its status to the caller; the others throw, with the answer, unless the gateway answered as expected.
/// </summary>
public sealed class GatewayClient : IDisposable
{
    /// <summary>How long a verification mail may take to arrive.</summary>
    public static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly MailBox? _mail;

    /// <param name="gateway">The gateway's base address.</param>
    /// <param name="timeout">Per request; 30 s unless given (<see cref="Timeout.InfiniteTimeSpan"/> for large transfers).</param>
    /// <param name="mail">The system's smtp4dev, where <see cref="SignUpAsync"/> finds the verification link.</param>
    public GatewayClient(Uri gateway, TimeSpan? timeout = null, Uri? mail = null)
        : this(new HttpClient { BaseAddress = gateway, Timeout = timeout ?? TimeSpan.FromSeconds(30) }, mail)
    {
    }

    /// <summary>Over <paramref name="http"/>, disposed with this: e.g. auth in-process, which answers the same <c>/register</c> and <c>/login</c>.</summary>
    public GatewayClient(HttpClient http, Uri? mail = null)
    {
        _http = http;
        _mail = mail is null ? null : new MailBox(mail);
    }

    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public Task<HttpResponseMessage> RegisterAsync(string email, string password, CancellationToken cancellationToken) =>
        _http.PostAsJsonAsync("/register", new { email, password }, cancellationToken);

    /// <param name="forwardedFor">An <c>X-Forwarded-For</c> header, as the gateway sends auth (for auth alone).</param>
    public Task<HttpResponseMessage> LoginAsync(string email, string password, CancellationToken cancellationToken, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/login");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{password}")));
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return _http.SendAsync(request, cancellationToken);
    }

    public const string Password = "correct horse battery";

    /// <summary>
    /// Registers a new account, verifies its address as its owner would (by opening the link in the verification mail,
    /// which needs the client's mail box) and logs in with it: the token lets it upload.
    /// </summary>
    public async Task<(string Email, string Token)> SignUpAsync(CancellationToken cancellationToken)
    {
        var email = await RegisterUnverifiedAsync(cancellationToken);
        await VerifyAsync(email, cancellationToken);
        return (email, await LoginForTokenAsync(email, Password, cancellationToken));
    }

    /// <summary>Registers a new account and logs in with it, unverified: for auth alone, where no mail is sent.</summary>
    public async Task<(string Email, string Token)> SignUpUnverifiedAsync(CancellationToken cancellationToken)
    {
        var email = await RegisterUnverifiedAsync(cancellationToken);
        return (email, await LoginForTokenAsync(email, Password, cancellationToken));
    }

    /// <summary>Registers a new account (202) and leaves it unverified; its password is <see cref="Password"/>.</summary>
    public async Task<string> RegisterUnverifiedAsync(CancellationToken cancellationToken)
    {
        var email = UniqueEmail();
        using var registered = await RegisterAsync(email, Password, cancellationToken);
        await EnsureStatusAsync(registered, HttpStatusCode.Accepted, $"register {email}", cancellationToken);
        return email;
    }

    /// <summary>Opens the link of the newest verification mail to <paramref name="email"/>, as its owner would.</summary>
    public async Task VerifyAsync(string email, CancellationToken cancellationToken)
    {
        // The link names the public address (in the image tests, the ingress's host): opened here, on this gateway.
        var link = new Uri(await VerificationLinkAsync(email, cancellationToken));
        using var verified = await _http.GetAsync(link.PathAndQuery, cancellationToken);
        await EnsureStatusAsync(verified, HttpStatusCode.OK, $"verify {email}", cancellationToken);
    }

    /// <summary>The link of the newest verification mail to <paramref name="email"/>, once one has arrived.</summary>
    public async Task<string> VerificationLinkAsync(string email, CancellationToken cancellationToken)
    {
        var mail = _mail ?? throw new InvalidOperationException("This client has no mail box: give it the system's mail endpoint.");
        var deadline = DateTime.UtcNow + MailTimeout;
        while (true)
        {
            var mails = await mail.ToAsync(email, cancellationToken, accountMails: true);
            if (mails.Select(m => m.VerificationLink).FirstOrDefault(link => link is not null) is { } link)
            {
                return link;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No verification mail to {email} within {MailTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(300, cancellationToken);
        }
    }

    public async Task<string> LoginForTokenAsync(string email, string password, CancellationToken cancellationToken)
    {
        using var response = await LoginAsync(email, password, cancellationToken);
        await EnsureStatusAsync(response, HttpStatusCode.OK, $"login {email}", cancellationToken);
        return (await ReadJsonAsync(response, cancellationToken)).GetProperty("access_token").GetString()!;
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

    /// <summary>The signed-in user's id (<c>GET /me</c>): the <c>owner_id</c> of their files.</summary>
    public async Task<string> GetUserIdAsync(string token, CancellationToken cancellationToken)
    {
        using var response = await GetMeAsync(token, cancellationToken);
        await EnsureStatusAsync(response, HttpStatusCode.OK, "me", cancellationToken);
        return (await ReadJsonAsync(response, cancellationToken)).GetProperty("id").GetString()!;
    }

    /// <summary><c>POST /upload</c> of the file at <paramref name="path"/>, with a bitrate if given.</summary>
    public async Task<HttpResponseMessage> UploadAsync(string token, string path, int? bitrate, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await UploadAsync(token, new StreamContent(file), Path.GetFileName(path), bitrate, cancellationToken);
    }

    /// <summary><c>POST /upload</c> with <paramref name="file"/> as the part <c>file</c> (it is disposed with the form).</summary>
    public async Task<HttpResponseMessage> UploadAsync(
        string token, HttpContent file, string fileName, int? bitrate, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        if (bitrate is { } kbps)
        {
            form.Add(new StringContent(kbps.ToString(CultureInfo.InvariantCulture)), "bitrate");
        }

        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = form };
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

    /// <summary>An upload form of one part <paramref name="name"/> that is not a file, of any size (it is disposed with the form).</summary>
    public async Task<HttpResponseMessage> PostFieldAsync(string token, string name, HttpContent value, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent { { value, name } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Uploads the file at <paramref name="path"/> and returns the job id.</summary>
    public async Task<string> UploadForJobAsync(string token, string path, CancellationToken cancellationToken, int? bitrate = null)
    {
        using var response = await UploadAsync(token, path, bitrate, cancellationToken);
        return await JobIdOfAsync(response, Path.GetFileName(path), cancellationToken);
    }

    /// <summary>Uploads <paramref name="file"/> and returns the job id.</summary>
    public async Task<string> UploadForJobAsync(string token, HttpContent file, string fileName, CancellationToken cancellationToken)
    {
        using var response = await UploadAsync(token, file, fileName, bitrate: null, cancellationToken);
        return await JobIdOfAsync(response, fileName, cancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(
        string token, string pathAndQuery, CancellationToken cancellationToken, string? range = null,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (range is not null)
        {
            request.Headers.Range = RangeHeaderValue.Parse(range);
        }

        return _http.SendAsync(request, completion, cancellationToken);
    }

    /// <summary><c>DELETE /jobs/{id}</c>; the caller checks the status.</summary>
    public Task<HttpResponseMessage> DeleteJobAsync(string token, string jobId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/jobs/{jobId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _http.SendAsync(request, cancellationToken);
    }

    /// <summary><c>GET /jobs/{id}</c>: the job as its owner sees it.</summary>
    public async Task<JsonElement> GetJobAsync(string token, string jobId, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(token, $"/jobs/{jobId}", cancellationToken);
        await EnsureStatusAsync(response, HttpStatusCode.OK, $"job {jobId}", cancellationToken);
        return await ReadJsonAsync(response, cancellationToken);
    }

    /// <summary>Polls the job until it is in one of <paramref name="statuses"/> (by default: finished, done or failed).</summary>
    public async Task<JsonElement> WaitForJobAsync(
        string token, string jobId, TimeSpan timeout, CancellationToken cancellationToken, params string[] statuses)
    {
        statuses = statuses.Length > 0 ? statuses : ["done", "failed"];
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await GetJobAsync(token, jobId, cancellationToken);
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

    /// <summary><c>GET /download?fid=</c>, returned once the headers are in: the caller reads (and disposes) the body.</summary>
    public async Task<HttpResponseMessage> DownloadAsync(string token, string fid, CancellationToken cancellationToken)
    {
        var response = await GetAsync(token, $"/download?fid={fid}", cancellationToken, completion: HttpCompletionOption.ResponseHeadersRead);
        try
        {
            await EnsureStatusAsync(response, HttpStatusCode.OK, $"download {fid}", cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _mail?.Dispose();
    }

    /// <summary>The job id of an accepted upload (202, with the job's <c>Location</c>).</summary>
    private static async Task<string> JobIdOfAsync(HttpResponseMessage response, string fileName, CancellationToken cancellationToken)
    {
        await EnsureStatusAsync(response, HttpStatusCode.Accepted, $"upload of {fileName}", cancellationToken);
        var jobId = (await ReadJsonAsync(response, cancellationToken)).GetProperty("job_id").GetString()!;
        if (response.Headers.Location?.OriginalString != $"/jobs/{jobId}")
        {
            throw new InvalidOperationException($"upload of {fileName}: Location is '{response.Headers.Location}', not /jobs/{jobId}.");
        }

        return jobId;
    }

    private static async Task EnsureStatusAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"{what}: {(int)response.StatusCode} {response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.Clone();
    }
}
