using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TuneSculptor.Auth.Accounts;
using TuneSculptor.Auth.Tokens;

namespace TuneSculptor.Auth.Tests;

/// <summary>
/// The login decision in isolation: users and failure counts are in memory here on purpose (MySQL is covered by
/// <see cref="AuthService.LoginThrottleTests"/>, on a real MariaDB); the hasher is ASP.NET Core Identity's own, counted.
/// </summary>
public sealed class LoginServiceTests : IDisposable
{
    private const int Iterations = 10_000; // low: these tests are about decisions, not about hashing cost

    private readonly InMemoryUsers _users = new();
    private readonly InMemoryThrottle _throttle = new();
    private readonly CountingHasher _hasher = new(Iterations);
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly LoginService _logins;

    public LoginServiceTests()
    {
        _logins = new LoginService(_users, _throttle, _hasher, new TokenService(_key, Options.Create(new AuthOptions()), TimeProvider.System));
    }

    [Fact]
    public async Task An_unknown_user_costs_one_hash_verification_like_a_wrong_password()
    {
        _users.Add("known@example.com", "right password", _hasher);

        var wrongPassword = await LoginAsync("known@example.com", "wrong password");
        var wrongVerifications = _hasher.Verifications;
        var unknownUser = await LoginAsync("unknown@example.com", "wrong password");

        Assert.IsType<LoginResult.Rejected>(wrongPassword);
        Assert.IsType<LoginResult.Rejected>(unknownUser);
        Assert.Equal(1, wrongVerifications);
        Assert.Equal(2, _hasher.Verifications);
        // Both were counted before their password was checked, and neither was given back.
        Assert.Equal(["known@example.com", "unknown@example.com"], _throttle.Reservations.Select(f => f.Account));
        Assert.Empty(_throttle.Releases);
    }

    [Fact]
    public async Task A_throttled_attempt_is_refused_before_any_password_is_checked()
    {
        _users.Add("known@example.com", "right password", _hasher);
        _throttle.Wait = TimeSpan.FromSeconds(42);

        var result = await LoginAsync("known@example.com", "right password");

        Assert.Equal(TimeSpan.FromSeconds(42), Assert.IsType<LoginResult.Throttled>(result).RetryAfter);
        Assert.Equal(0, _hasher.Verifications);
    }

    [Fact]
    public async Task Success_issues_a_token_and_gives_its_reservation_back()
    {
        _users.Add("known@example.com", "right password", _hasher);

        var result = await LoginAsync("Known@Example.com", "right password");

        Assert.IsType<LoginResult.Succeeded>(result);
        Assert.Equal([("known@example.com", "192.0.2.1")], _throttle.Reservations);
        Assert.Equal([("known@example.com", "192.0.2.1")], _throttle.Releases);
    }

    [Fact]
    public async Task A_hash_made_with_fewer_iterations_is_upgraded_at_login()
    {
        var user = _users.Add("old@example.com", "right password", new CountingHasher(Iterations / 2));

        await LoginAsync("old@example.com", "right password");

        var upgraded = _users.Find("old@example.com")!.PasswordHash;
        Assert.NotEqual(user.PasswordHash, upgraded);
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(user, upgraded, "right password"));
    }

    public void Dispose() => _key.Dispose();

    private Task<LoginResult> LoginAsync(string email, string password) =>
        _logins.LoginAsync(email, password, "192.0.2.1", TestContext.Current.CancellationToken);

    private sealed class CountingHasher(int iterations) : IPasswordHasher<User>
    {
        private readonly PasswordHasher<User> _inner = new(Options.Create(new PasswordHasherOptions { IterationCount = iterations }));

        public int Verifications { get; private set; }

        public string HashPassword(User user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    private sealed class InMemoryUsers : IUserStore
    {
        private readonly Dictionary<string, User> _byEmail = [];

        public User Add(string email, string password, IPasswordHasher<User> hasher)
        {
            var user = new User(Guid.CreateVersion7(), email, string.Empty);
            user = user with { PasswordHash = hasher.HashPassword(user, password) };
            _byEmail[Credentials.NormalizeEmail(email)] = user;
            return user;
        }

        public User? Find(string email) => _byEmail.GetValueOrDefault(Credentials.NormalizeEmail(email));

        public Task<User?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken) =>
            Task.FromResult(_byEmail.GetValueOrDefault(normalizedEmail));

        public Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken) =>
            Task.FromResult(_byEmail.TryAdd(Credentials.NormalizeEmail(user.Email), user));

        public Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken)
        {
            var (email, user) = _byEmail.Single(u => u.Value.Id == id);
            _byEmail[email] = user with { PasswordHash = passwordHash };
            return Task.CompletedTask;
        }
    }

    private sealed class InMemoryThrottle : ILoginThrottle
    {
        public TimeSpan? Wait { get; set; }
        public List<(string Account, string? Address)> Reservations { get; } = [];
        public List<(string Account, string? Address)> Releases { get; } = [];

        public Task<TimeSpan?> TryReserveAsync(string account, string? address, CancellationToken cancellationToken)
        {
            if (Wait is null)
            {
                Reservations.Add((account, address));
            }

            return Task.FromResult(Wait);
        }

        public Task ReleaseAsync(string account, string? address, CancellationToken cancellationToken)
        {
            Releases.Add((account, address));
            return Task.CompletedTask;
        }
    }
}
