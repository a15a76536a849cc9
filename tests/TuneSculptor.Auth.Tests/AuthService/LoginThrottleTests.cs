using System.Globalization;
using System.Net;
using TuneSculptor.Testing;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Auth.Tests.AuthService;

/// <summary>
/// Failed logins are limited per account and per client address (the last <c>X-Forwarded-For</c> entry, which the
/// gateway appends), counted in MariaDB, with limits and window lowered for the test; each test on a database of its
/// own. That the gateway hands auth the client's address is tested through it, in the system tests.
/// </summary>
public sealed class LoginThrottleTests(MariaDbServer mariaDb, RabbitMQBroker broker) : IAsyncLifetime
{
    private const int AccountLimit = 3;
    private const int AddressLimit = 6;
    // Long enough for the failures to land inside one window even on a busy machine, where each (a 210,000-round
    // PBKDF2 check) can take over a second.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    // Client addresses from TEST-NET-2 (RFC 5737); each test counts on a database of its own.
    private const string Address = "198.51.100.7";
    private const string OtherAddress = "198.51.100.8";

    private AuthServiceFactory? _auth;
    private GatewayClient _client = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _auth = new AuthServiceFactory(await mariaDb.CreateDatabaseAsync(Cancellation), broker, new Dictionary<string, string>
        {
            ["Auth:LoginThrottle:AccountFailures"] = AccountLimit.ToString(CultureInfo.InvariantCulture),
            ["Auth:LoginThrottle:AddressFailures"] = AddressLimit.ToString(CultureInfo.InvariantCulture),
            ["Auth:LoginThrottle:Window"] = Window.ToString(),
        });
        _client = new GatewayClient(await _auth.CreateReadyClientAsync(Cancellation));
    }

    [Fact]
    public async Task Failures_on_one_account_lock_it_even_for_the_right_password_until_the_window_ends()
    {
        var (email, _) = await _client.SignUpUnverifiedAsync(Cancellation);
        var (otherEmail, _) = await _client.SignUpUnverifiedAsync(Cancellation);
        for (var i = 0; i < AccountLimit; i++)
        {
            using var wrong = await _client.LoginAsync(email, "wrong password", Cancellation, Address);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var locked = await _client.LoginAsync(email, "correct horse battery", Cancellation, Address);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        var retryAfter = locked.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), Window);

        // Only that account: another one still logs in from the same address (whose own limit is higher).
        using (var other = await _client.LoginAsync(otherEmail, "correct horse battery", Cancellation, Address))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        await Task.Delay(retryAfter.Value + TimeSpan.FromMilliseconds(500), Cancellation);
        using var unlocked = await _client.LoginAsync(email, "correct horse battery", Cancellation, Address);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
    }

    [Fact]
    public async Task Failures_from_one_forwarded_address_block_only_that_address_until_the_window_ends()
    {
        var (email, _) = await _client.SignUpUnverifiedAsync(Cancellation);
        for (var i = 0; i < AddressLimit; i++)
        {
            using var wrong = await _client.LoginAsync(GatewayClient.UniqueEmail("spray"), "guess", Cancellation, Address);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var blocked = await _client.LoginAsync(email, "correct horse battery", Cancellation, Address);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal("application/problem+json", blocked.Content.Headers.ContentType?.MediaType);
        var retryAfter = blocked.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After");

        // Only the last entry counts, the one the gateway appended: what a client writes before it changes nothing.
        using (var spoofed = await _client.LoginAsync(email, "correct horse battery", Cancellation, $"{OtherAddress}, {Address}"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, spoofed.StatusCode);
        }

        using (var elsewhere = await _client.LoginAsync(email, "correct horse battery", Cancellation, $"{Address}, {OtherAddress}"))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }

        await Task.Delay(retryAfter + TimeSpan.FromMilliseconds(500), Cancellation);
        using var unblocked = await _client.LoginAsync(email, "correct horse battery", Cancellation, Address);
        Assert.Equal(HttpStatusCode.OK, unblocked.StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_auth is not null)
        {
            await _auth.DisposeAsync();
        }
    }
}
