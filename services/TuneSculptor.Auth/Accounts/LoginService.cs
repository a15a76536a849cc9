using Microsoft.AspNetCore.Identity;
using TuneSculptor.Auth.Tokens;

namespace TuneSculptor.Auth.Accounts;

public abstract record LoginResult
{
    public sealed record Succeeded(IssuedToken Token) : LoginResult;

    public sealed record Throttled(TimeSpan RetryAfter) : LoginResult;

    /// <summary>Wrong password or unknown account: deliberately the same answer.</summary>
    public sealed record Rejected : LoginResult;
}

public sealed class LoginService(IUserStore users, ILoginThrottle throttle, IPasswordHasher<User> hasher, TokenService tokens)
{
    // Verified when the account does not exist, so that an unknown address costs the same hashing time as a wrong
    // password and the timing does not tell which accounts exist.
    private static readonly User Nobody = new(Guid.Empty, "nobody@invalid", string.Empty);
    private readonly string _decoyHash = hasher.HashPassword(Nobody, Guid.NewGuid().ToString());

    public async Task<LoginResult> LoginAsync(string email, string password, string? clientAddress, CancellationToken cancellationToken)
    {
        var account = Credentials.NormalizeEmail(email);
        // Counted as a failure before any password is checked, atomically with the check of the limits: a throttled
        // guess costs the attacker nothing and us no hashing, and parallel guesses cannot all slip past the count.
        if (await throttle.TryReserveAsync(account, clientAddress, cancellationToken) is { } wait)
        {
            return new LoginResult.Throttled(wait);
        }

        var user = account.Length <= Credentials.MaximumEmailLength
            ? await users.FindByEmailAsync(account, cancellationToken)
            : null;
        var verification = hasher.VerifyHashedPassword(user ?? Nobody, user?.PasswordHash ?? _decoyHash, password);
        if (user is null || verification == PasswordVerificationResult.Failed)
        {
            // Counted already.
            return new LoginResult.Rejected();
        }

        await throttle.ReleaseAsync(account, clientAddress, cancellationToken);
        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
        {
            // The hash was made with weaker settings than today's (fewer iterations, older format): upgrade it.
            await users.UpdatePasswordHashAsync(user.Id, hasher.HashPassword(user, password), cancellationToken);
        }

        return new LoginResult.Succeeded(tokens.Issue(user));
    }
}
