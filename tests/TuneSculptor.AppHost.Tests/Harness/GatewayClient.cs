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

    public void Dispose() => _http.Dispose();
}
