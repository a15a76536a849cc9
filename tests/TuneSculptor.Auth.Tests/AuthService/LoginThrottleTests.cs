using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using TuneSculptor.Auth.Accounts;
using TuneSculptor.Testing;

namespace TuneSculptor.Auth.Tests.AuthService;

/// <summary>
/// The login throttle of the auth service on a real MariaDB, with limits and windows lowered by configuration; each test
/// on an auth and a database of its own. Client addresses arrive as the gateway sends them, in <c>X-Forwarded-For</c>
/// (that the gateway does is tested through it, in the system tests).
/// </summary>
public sealed class LoginThrottleTests(MariaDbServer mariaDb) : IAsyncDisposable
{
    private const string Password = "correct horse battery";

    // Long enough for failures to land inside one window even on a busy machine, where each (a 210,000-round PBKDF2
    // check) can take over a second.
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    // Client addresses from TEST-NET-2 and TEST-NET-3 (RFC 5737).
    private const string Stranger = "198.51.100.7";
    private const string Owner = "198.51.100.8";

    private readonly List<AuthServiceFactory> _services = [];
    private string _connectionString = string.Empty;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Parallel_wrong_passwords_reach_the_hash_at_most_the_limit_and_the_rest_are_refused()
    {
        const int limit = 3;
        const int guesses = 20;
        var hasher = new CountingHasher();
        // A long window: a slow machine must not let a second window's worth through.
        using var client = await StartAsync(new() { ["PairFailures"] = $"{limit}", ["Window"] = "00:10:00" }, hasher: hasher);
        var (email, _) = await client.SignUpAsync(Cancellation);
        var hashedBefore = hasher.Verifications;

        var answers = await Task.WhenAll(Enumerable.Range(0, guesses).Select(async i =>
        {
            using var response = await client.LoginAsync(email, $"wrong password {i}", Cancellation, Stranger);
            return response.StatusCode;
        }));

        Assert.Equal(limit, answers.Count(status => status == HttpStatusCode.Unauthorized));
        Assert.Equal(guesses - limit, answers.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.Equal(limit, hasher.Verifications - hashedBefore);
        Assert.Equal(limit, await ReadAttemptsAsync("pair", Stranger));
        Assert.Equal(limit, await ReadAttemptsAsync("account"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // as in containers: ASPNETCORE_FORWARDEDHEADERS_ENABLED puts the middleware in, with our options
    public async Task A_stranger_locks_only_himself_out_and_the_owner_logs_in_from_another_address(bool forwardedHeadersEnabled)
    {
        const int limit = 3;
        using var client = await StartAsync(
            new() { ["PairFailures"] = $"{limit}", ["Window"] = Window.ToString() },
            other: forwardedHeadersEnabled ? new() { ["FORWARDEDHEADERS_ENABLED"] = "true" } : null);
        var (email, _) = await client.SignUpAsync(Cancellation);
        for (var i = 0; i < limit; i++)
        {
            using var wrong = await client.LoginAsync(email, "wrong password", Cancellation, Stranger);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Locked even with the right password, from the stranger's address.
        using var locked = await client.LoginAsync(email, Password, Cancellation, Stranger);
        await AssertThrottledAsync(locked, Window);

        using (var owner = await client.LoginAsync(email, Password, Cancellation, Owner))
        {
            Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        }

        // The owner's success cleared only the owner's own failures.
        using (var stillLocked = await client.LoginAsync(email, Password, Cancellation, Stranger))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);
        }

        await Task.Delay(locked.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(500), Cancellation);
        using var unlocked = await client.LoginAsync(email, Password, Cancellation, Stranger);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
    }

    [Fact]
    public async Task Failures_from_many_addresses_put_the_account_in_a_growing_backoff_that_expires()
    {
        // Every failure from an address of its own: the pair and address limits never apply, only the account's backoff.
        using var client = await StartAsync(new()
        {
            ["PairFailures"] = "100",
            ["AddressFailures"] = "100",
            ["Window"] = "00:10:00",
            ["AccountFailuresBeforeBackoff"] = "2",
            ["AccountBackoff"] = "00:00:01",
            ["AccountBackoffCap"] = "00:00:04",
        }, other: new() { ["Auth:PasswordHashIterations"] = "1000" });
        var (email, _) = await client.SignUpAsync(Cancellation);

        var steps = new List<double>();
        for (var i = 1; i <= 5; i++)
        {
            using var wrong = await client.LoginAsync(email, "wrong password", Cancellation, $"203.0.113.{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            var step = await ReadBackoffAsync();
            steps.Add(step.TotalSeconds);
            // Past the wait (it began before the answer): the next failure is counted, not refused.
            await Task.Delay(step + TimeSpan.FromMilliseconds(200), Cancellation);
        }

        Assert.Equal([0, 1, 2, 4, 4], steps);

        // While it waits, even the owner with the right password, from a new address, waits at most the cap.
        using (var wrong = await client.LoginAsync(email, "wrong password", Cancellation, "203.0.113.6"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var waiting = await client.LoginAsync(email, Password, Cancellation, Owner);
        await AssertThrottledAsync(waiting, TimeSpan.FromSeconds(4));

        await Task.Delay(waiting.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(200), Cancellation);
        using var expired = await client.LoginAsync(email, Password, Cancellation, Owner);
        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);
    }

    [Fact]
    public async Task Failures_from_one_forwarded_address_across_accounts_block_that_address_until_the_window_ends()
    {
        const int limit = 6;
        using var client = await StartAsync(new() { ["AddressFailures"] = $"{limit}", ["Window"] = Window.ToString() });
        var (email, _) = await client.SignUpAsync(Cancellation);
        for (var i = 0; i < limit; i++)
        {
            using var wrong = await client.LoginAsync(GatewayClient.UniqueEmail("spray"), "guess", Cancellation, Stranger);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var blocked = await client.LoginAsync(email, Password, Cancellation, Stranger);
        await AssertThrottledAsync(blocked, Window);

        // Only the last entry counts, the one the gateway appended: what a client writes before it changes nothing.
        using (var spoofed = await client.LoginAsync(email, Password, Cancellation, $"{Owner}, {Stranger}"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, spoofed.StatusCode);
        }

        using (var elsewhere = await client.LoginAsync(email, Password, Cancellation, $"{Stranger}, {Owner}"))
        {
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        }

        await Task.Delay(blocked.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromMilliseconds(500), Cancellation);
        using var unblocked = await client.LoginAsync(email, Password, Cancellation, Stranger);
        Assert.Equal(HttpStatusCode.OK, unblocked.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task X_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(bool forwardedHeadersEnabled)
    {
        const int limit = 3;
        // Development trusts loopback only: this peer is a client reaching auth directly. Containers set
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED, which on its own would trust everyone.
        using var client = await StartAsync(
            new() { ["PairFailures"] = $"{limit}", ["Window"] = "00:10:00" },
            peer: IPAddress.Parse("192.0.2.50"),
            other: forwardedHeadersEnabled ? new() { ["FORWARDEDHEADERS_ENABLED"] = "true" } : null);
        var (email, _) = await client.SignUpAsync(Cancellation);
        for (var i = 0; i < limit; i++)
        {
            using var wrong = await client.LoginAsync(email, "wrong password", Cancellation, $"203.0.113.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Every failure counted against the peer: a new address in the header does not start a new count.
        using var locked = await client.LoginAsync(email, Password, Cancellation, "203.0.113.99");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(limit, await ReadAttemptsAsync("pair", "192.0.2.50"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }

    /// <summary>Auth on a fresh database with <paramref name="throttle"/> as its <c>Auth:LoginThrottle</c> settings.</summary>
    /// <param name="other">Settings outside the throttle's, e.g. few hash iterations for a test whose waits are short
    /// (an attempt then answers within them even on a busy machine).</param>
    private async Task<GatewayClient> StartAsync(
        Dictionary<string, string> throttle, CountingHasher? hasher = null, IPAddress? peer = null, Dictionary<string, string>? other = null)
    {
        _connectionString = await mariaDb.CreateDatabaseAsync(Cancellation);
        var settings = throttle.ToDictionary(setting => $"{LoginThrottleOptions.Section}:{setting.Key}", setting => setting.Value);
        foreach (var (name, value) in other ?? [])
        {
            settings[name] = value;
        }

        var service = new AuthServiceFactory(_connectionString, settings, peer, services =>
        {
            if (hasher is not null)
            {
                services.AddSingleton<IPasswordHasher<User>>(provider => hasher.Around(ActivatorUtilities.CreateInstance<PasswordHasher<User>>(provider)));
            }
        });
        _services.Add(service);
        return new GatewayClient(await service.CreateReadyClientAsync(Cancellation));
    }

    private static async Task AssertThrottledAsync(HttpResponseMessage response, TimeSpan atMost)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("no Retry-After");
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), atMost);
        Assert.Contains($"{(long)retryAfter.TotalSeconds} s", await response.Content.ReadAsStringAsync(Cancellation));
    }

    /// <summary>The attempts counted in <paramref name="scope"/> (each test has one account), for the address given.</summary>
    private async Task<int> ReadAttemptsAsync(string scope, string? address = null)
    {
        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new MySqlCommand(
            "SELECT attempts FROM login_attempts WHERE scope = @scope AND (@address IS NULL OR subject LIKE CONCAT('% ', @address))", connection);
        command.Parameters.AddWithValue("@scope", scope);
        command.Parameters.AddWithValue("@address", address);
        return Convert.ToInt32(await command.ExecuteScalarAsync(Cancellation), CultureInfo.InvariantCulture);
    }

    /// <summary>How long the account's last failure made it wait, by the database's own clock (zero before the backoff).</summary>
    private async Task<TimeSpan> ReadBackoffAsync()
    {
        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync(Cancellation);
        await using var command = new MySqlCommand("""
            SELECT IFNULL(TIMESTAMPDIFF(MICROSECOND, last_attempt_at, blocked_until), 0)
            FROM login_attempts WHERE scope = 'account'
            """, connection);
        return TimeSpan.FromMicroseconds(Convert.ToInt64(await command.ExecuteScalarAsync(Cancellation), CultureInfo.InvariantCulture));
    }

    /// <summary>ASP.NET Core Identity's hasher, counting the passwords it checks: each is the work a guess costs.</summary>
    private sealed class CountingHasher
    {
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public IPasswordHasher<User> Around(IPasswordHasher<User> inner) => new Counting(inner, this);

        private sealed class Counting(IPasswordHasher<User> inner, CountingHasher counter) : IPasswordHasher<User>
        {
            public string HashPassword(User user, string password) => inner.HashPassword(user, password);

            public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
            {
                Interlocked.Increment(ref counter._verifications);
                return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
            }
        }
    }
}
