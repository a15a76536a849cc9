using System.Net;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Accounts;

/// <summary>
/// Failed logins are limited per client address, the address the gateway saw (it appends it to X-Forwarded-For for
/// auth), with limits and window lowered for the test; a system of its own, so that its failures from 127.0.0.1 do
/// not throttle other tests. The limits themselves are tested on auth alone (tests/TuneSculptor.Auth.Tests).
/// </summary>
public sealed class LoginThrottleTests : IAsyncLifetime
{
    private const int AddressLimit = 6;
    // Long enough for the failures to land inside one window even on a busy machine, where each (a 210,000-round
    // PBKDF2 check) can take over a second.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    private HostProcessSystem _system = null!;
    private GatewayClient _gateway = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _system = await HostProcessSystem.StartHealthyAsync(builder =>
        {
            HostProcessSystem.SetServiceEnvironment(builder, "auth", "Auth__LoginThrottle__AddressFailures", $"{AddressLimit}");
            HostProcessSystem.SetServiceEnvironment(builder, "auth", "Auth__LoginThrottle__Window", Window.ToString());
        }, Cancellation);
        _gateway = new GatewayClient(_system.GetHttpEndpoint("gateway"), mail: _system.GetHttpEndpoint("mail"));
    }

    [Fact]
    public async Task Failures_from_one_address_across_accounts_block_that_address_until_the_window_ends()
    {
        var (email, _) = await _gateway.SignUpAsync(Cancellation);
        await WaitForAFreshWindowAsync();
        for (var i = 0; i < AddressLimit; i++)
        {
            using var wrong = await _gateway.LoginAsync(GatewayClient.UniqueEmail("spray"), "guess", Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var blocked = await _gateway.LoginAsync(email, "correct horse battery", Cancellation);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
        var retryAfter = blocked.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After");

        await Task.Delay(retryAfter + TimeSpan.FromMilliseconds(500), Cancellation);
        await _gateway.LoginForTokenAsync(email, "correct horse battery", Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        _gateway?.Dispose();
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }

    /// <summary>Failures of an earlier test may still count: let their window pass.</summary>
    private static Task WaitForAFreshWindowAsync() => Task.Delay(Window, Cancellation);
}
