using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Links;

/// <summary>
/// A running system as the tests of mailed links use it: a new user's job converted and its mail's link, and that link
/// opened by nobody signed in, as an API client or as a browser.
/// </summary>
public sealed class MailedLinks(HostProcessSystem system) : IDisposable
{
    public static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    // Nobody signed in: no Authorization header is ever set on it.
    private readonly HttpClient _anonymous = new() { Timeout = TimeSpan.FromSeconds(30) };

    public GatewayClient Gateway { get; } = new(system.GetHttpEndpoint("gateway"), mail: system.GetHttpEndpoint("mail"));

    public MailBox Mail { get; } = new(system.GetHttpEndpoint("mail"));

    public MediaSamples Media { get; } = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A new user's 5 s sample, converted, and the link from the mail it was sent.</summary>
    public async Task<(string Email, string Token, string JobId, string Link)> ConvertAndMailAsync()
    {
        var (email, token) = await Gateway.SignUpAsync(Cancellation);
        var jobId = await Gateway.UploadForJobAsync(token, await Media.VideoAsync("mp4"), Cancellation);
        var job = await Gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation);
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        var mail = await Mail.WaitForMailAsync(email, JobTimeout, Cancellation);
        return (email, token, jobId, mail.DownloadLink ?? throw new InvalidOperationException($"No download link in the mail:\n{mail.Text}"));
    }

    /// <summary>Refused with <paramref name="status"/>: ProblemDetails for an API client, a page saying why for a browser.</summary>
    public async Task AssertRefusedAsync(string link, HttpStatusCode status, string title)
    {
        using var api = await GetAsync(link);
        Assert.True(status == api.StatusCode, $"{link}: {(int)api.StatusCode}, expected {(int)status}");
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync(Cancellation)).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(title, problem.GetProperty("title").GetString());

        // What a browser sends when a link is clicked.
        using var browser = await GetAsync(link, accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        Assert.Equal(status, browser.StatusCode);
        Assert.Equal("text/html", browser.Content.Headers.ContentType?.MediaType);
        var page = await browser.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains($"<h2>{title}</h2>", page, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/\">", page, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", browser.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    public Task<HttpResponseMessage> GetAsync(string url, string? accept = null, string? range = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (range is not null)
        {
            request.Headers.Range = RangeHeaderValue.Parse(range);
        }

        return _anonymous.SendAsync(request, Cancellation);
    }

    public static Dictionary<string, StringValues> Query(string link) => QueryHelpers.ParseQuery(new Uri(link).Query);

    public void Dispose()
    {
        Gateway.Dispose();
        _anonymous.Dispose();
        Mail.Dispose();
        Media.Dispose();
    }
}
