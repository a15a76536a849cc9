using System.Net;
using System.Text.Json;

namespace TuneSculptor.Gateway.Tests.Limits;

/// <summary>
/// The per-address rate limits on <c>/upload</c>, <c>/register</c> and <c>/login</c>, through the gateway on a real
/// socket, with small limits set by configuration. Requests that pass go on as usual: with no token, <c>/upload</c> is
/// a 401; auth does not run here, so <c>/register</c> and <c>/login</c> fail to be forwarded; neither is a 429. The
/// gateway trusts 127.0.0.1 as its proxy (as the ingress is trusted in Kubernetes); 127.0.0.2 is an ordinary client.
/// </summary>
public sealed class ClientRateLimitTests : IDisposable
{
    private const int UploadLimit = 3;
    private const int AccountLimit = 2;

    private readonly ListeningGateway _gateway = new(new Dictionary<string, string>
    {
        ["RateLimits:Upload:PermitLimit"] = $"{UploadLimit}",
        // Long windows where requests are counted: no window may end between them, however slow the machine.
        ["RateLimits:Upload:Window"] = "00:10:00",
        ["RateLimits:Login:PermitLimit"] = $"{AccountLimit}",
        ["RateLimits:Login:Window"] = "00:10:00",
        // A short one where the test waits for it to end.
        ["RateLimits:Register:PermitLimit"] = $"{AccountLimit}",
        ["RateLimits:Register:Window"] = "00:00:02",
        ["TrustedProxies:Addresses:0"] = "127.0.0.1",
    });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/upload", UploadLimit)]
    [InlineData("/login", AccountLimit)]
    public async Task Past_the_limit_an_address_gets_a_429_problem_with_retry_after(string path, int limit)
    {
        using var client = _gateway.ClientFrom("127.0.0.2");
        for (var i = 0; i < limit; i++)
        {
            using var passed = await PostAsync(client, path);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, passed.StatusCode);
        }

        using var refused = await PostAsync(client, path);

        var problem = await AssertTooManyAsync(refused);
        Assert.Equal("Too many requests from your address; try again later.", problem.GetProperty("detail").GetString());
        var retryAfter = refused.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After");
        // The window, and a second for the limiter's timer to start the next.
        Assert.Equal(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1), retryAfter);
    }

    [Fact]
    public async Task A_spoofed_x_forwarded_for_from_an_untrusted_peer_does_not_change_its_partition()
    {
        using var client = _gateway.ClientFrom("127.0.0.2");
        for (var i = 0; i < UploadLimit; i++)
        {
            using var passed = await PostAsync(client, "/upload", forwardedFor: $"198.51.100.{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, passed.StatusCode);
        }

        using var refused = await PostAsync(client, "/upload", forwardedFor: "198.51.100.99");

        await AssertTooManyAsync(refused);
        // Another address has a partition of its own.
        using var other = _gateway.ClientFrom("127.0.0.3");
        using var fresh = await PostAsync(other, "/upload");
        Assert.Equal(HttpStatusCode.Unauthorized, fresh.StatusCode);
    }

    [Fact]
    public async Task From_the_trusted_proxy_each_forwarded_client_address_is_a_partition_of_its_own()
    {
        using var proxy = _gateway.ClientFrom("127.0.0.1");
        for (var i = 0; i < UploadLimit; i++)
        {
            using var passed = await PostAsync(proxy, "/upload", forwardedFor: "203.0.113.7");
            Assert.Equal(HttpStatusCode.Unauthorized, passed.StatusCode);
        }

        using var refused = await PostAsync(proxy, "/upload", forwardedFor: "203.0.113.7");
        // Only the last hop counts: what a client put before the proxy's entry is not its address.
        using var spoofedThroughProxy = await PostAsync(proxy, "/upload", forwardedFor: "192.0.2.1, 203.0.113.7");
        using var otherClient = await PostAsync(proxy, "/upload", forwardedFor: "203.0.113.8");

        await AssertTooManyAsync(refused);
        await AssertTooManyAsync(spoofedThroughProxy);
        Assert.Equal(HttpStatusCode.Unauthorized, otherClient.StatusCode);
    }

    [Fact]
    public async Task Registering_is_limited_per_address_and_allowed_again_once_the_window_has_passed()
    {
        using var client = _gateway.ClientFrom("127.0.0.4");
        HttpResponseMessage? refused = null;
        // The window is short: one may end between two requests, so the limit is reached within a few more.
        for (var i = 0; i < 10 * AccountLimit && refused is null; i++)
        {
            var response = await PostAsync(client, "/register");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            await AssertTooManyAsync(refused);
            await Task.Delay(refused.Headers.RetryAfter!.Delta!.Value, Cancellation);
        }

        using var again = await PostAsync(client, "/register");
        Assert.NotEqual(HttpStatusCode.TooManyRequests, again.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_configured_proxies_nothing_is_trusted_not_even_loopback(bool forwardedHeadersEnabled)
    {
        // The production default: no trusted addresses, no networks; also with ASPNETCORE_FORWARDEDHEADERS_ENABLED,
        // which Aspire's publishing sets and which alone would trust every peer.
        using var gateway = new ListeningGateway(new Dictionary<string, string>
        {
            ["RateLimits:Upload:PermitLimit"] = "1",
            ["RateLimits:Upload:Window"] = "00:10:00",
            ["FORWARDEDHEADERS_ENABLED"] = forwardedHeadersEnabled ? "true" : "false",
        });
        using var client = gateway.ClientFrom("127.0.0.1");

        using var passed = await PostAsync(client, "/upload", forwardedFor: "203.0.113.1");
        using var refused = await PostAsync(client, "/upload", forwardedFor: "203.0.113.2");

        Assert.Equal(HttpStatusCode.Unauthorized, passed.StatusCode);
        await AssertTooManyAsync(refused);
    }

    public void Dispose() => _gateway.Dispose();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent([]) };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.SendAsync(request, Cancellation);
    }

    private static async Task<JsonElement> AssertTooManyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"Expected 429, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
