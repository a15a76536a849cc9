namespace TuneSculptor.Auth.Accounts;

/// <summary>Whether an account may be sent a verification mail now (<see cref="IUserStore.GrantVerificationMailAsync"/>).</summary>
public abstract record VerificationMailGrant
{
    private VerificationMailGrant()
    {
    }

    /// <summary>Yes: <paramref name="Nonce"/> is the new mail's, and the only one that verifies now.</summary>
    public sealed record Granted(User User, string Nonce) : VerificationMailGrant;

    public sealed record AlreadyVerified : VerificationMailGrant;

    /// <summary>Not before <paramref name="RetryAfter"/> has passed (the interval, or the day's mails spent).</summary>
    public sealed record TooSoon(TimeSpan RetryAfter) : VerificationMailGrant;

    public sealed record NoSuchAccount : VerificationMailGrant;
}
