namespace TuneSculptor.Auth.Accounts;

/// <summary>
/// Whether a login attempt may go ahead, from the counts that apply to it, and what they become when it does: the
/// attempt is counted as a failure before its password is checked (a success gives it back), so parallel guesses
/// cannot all pass a check that only later counts them. Pure, so that the rules are tested without a clock or a database.
/// </summary>
internal sealed class LoginAttemptRules(LoginThrottleOptions limits)
{
    /// <param name="address">null when the client's address is not known: nothing is counted for it then.</param>
    public AttemptDecision Decide(AttemptCount pair, AttemptCount? address, AttemptCount account, DateTime now)
    {
        pair = InWindow(pair, now);
        address = address is null ? null : InWindow(address, now);
        // Forgotten after a quiet period, so that an account guessed at once is not slowed for ever.
        if (account.LastAttemptAt + limits.AccountBackoffReset <= now)
        {
            account = account with { Attempts = 0, BlockedUntil = null };
        }

        // Every count that refuses is asked, so the wait given is the longest: retrying sooner is refused again.
        TimeSpan[] waits =
        [
            .. WindowWait(pair, limits.PairFailures, now),
            .. address is null ? [] : WindowWait(address, limits.AddressFailures, now),
            .. account.BlockedUntil is { } blockedUntil && blockedUntil > now ? [blockedUntil - now] : Array.Empty<TimeSpan>(),
        ];
        if (waits.Length > 0)
        {
            // A refused attempt changes no count: hammering a locked account does not make its lock longer.
            return new AttemptDecision.Refused(waits.Max());
        }

        var failures = account.Attempts + 1;
        return new AttemptDecision.Reserved(
            Counted(pair, now),
            address is null ? null : Counted(address, now),
            account with
            {
                Attempts = failures,
                LastAttemptAt = now,
                BlockedUntil = failures >= limits.AccountFailuresBeforeBackoff ? now + BackoffAfter(failures) : account.BlockedUntil,
            });
    }

    /// <summary>
    /// The account's wait after its <paramref name="failures"/>th failure (from <see cref="LoginThrottleOptions.AccountFailuresBeforeBackoff"/>
    /// on): the base wait, doubled with each further failure, at most the cap.
    /// </summary>
    public TimeSpan BackoffAfter(int failures)
    {
        var doublings = failures - limits.AccountFailuresBeforeBackoff;
        // Past 2^30 any base is over any cap; stop before the multiplication overflows.
        return doublings >= 30
            ? limits.AccountBackoffCap
            : TimeSpan.FromTicks(Math.Min(limits.AccountBackoff.Ticks * (1L << Math.Max(doublings, 0)), limits.AccountBackoffCap.Ticks));
    }

    private AttemptCount InWindow(AttemptCount count, DateTime now) =>
        count.WindowStartedAt + limits.Window <= now ? count with { Attempts = 0, WindowStartedAt = now } : count;

    private TimeSpan[] WindowWait(AttemptCount count, int limit, DateTime now) =>
        count.Attempts >= limit ? [count.WindowStartedAt + limits.Window - now] : [];

    private static AttemptCount Counted(AttemptCount count, DateTime now) =>
        count with { Attempts = count.Attempts + 1, LastAttemptAt = now };
}

internal abstract record AttemptDecision
{
    public sealed record Refused(TimeSpan RetryAfter) : AttemptDecision;

    public sealed record Reserved(AttemptCount Pair, AttemptCount? Address, AttemptCount Account) : AttemptDecision;
}
