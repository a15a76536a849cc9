namespace TuneSculptor.Auth.Accounts;

/// <summary>
/// One of the throttle's counts as stored (a row of <c>login_attempts</c>). Per account and address, and per address,
/// <see cref="Attempts"/> counts in a fixed window from <see cref="WindowStartedAt"/>; per account it counts failures
/// for the backoff, which blocks new attempts until <see cref="BlockedUntil"/>. Times are the database's (UTC).
/// </summary>
internal sealed record AttemptCount(int Attempts, DateTime WindowStartedAt, DateTime? BlockedUntil, DateTime LastAttemptAt)
{
    /// <summary>What a count that does not exist yet is.</summary>
    public static AttemptCount None(DateTime now) => new(0, now, null, now);
}
