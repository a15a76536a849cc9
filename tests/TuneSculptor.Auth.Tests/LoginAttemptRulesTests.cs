using TuneSculptor.Auth.Accounts;

namespace TuneSculptor.Auth.Tests;

/// <summary>The throttle's decisions on given counts and a given time (MySQL's part: <see cref="AuthService.LoginThrottleTests"/>).</summary>
public sealed class LoginAttemptRulesTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0);

    private static readonly LoginThrottleOptions Limits = new()
    {
        PairFailures = 3,
        AddressFailures = 10,
        Window = TimeSpan.FromMinutes(15),
        AccountFailuresBeforeBackoff = 4,
        AccountBackoff = TimeSpan.FromMinutes(1),
        AccountBackoffCap = TimeSpan.FromMinutes(15),
        AccountBackoffReset = TimeSpan.FromHours(24),
    };

    private readonly LoginAttemptRules _rules = new(Limits);

    [Fact]
    public void The_account_backoff_doubles_from_its_threshold_up_to_the_cap()
    {
        var waits = Enumerable.Range(4, 8).Select(failures => _rules.BackoffAfter(failures).TotalMinutes);

        Assert.Equal([1, 2, 4, 8, 15, 15, 15, 15], waits);
        Assert.Equal(Limits.AccountBackoffCap, _rules.BackoffAfter(int.MaxValue));
    }

    [Fact]
    public void Failures_across_addresses_make_the_account_wait_longer_each_time()
    {
        var account = AttemptCount.None(Now);
        var blockedFor = new List<double>();
        var now = Now;
        for (var i = 0; i < 7; i++)
        {
            // Each from an address of its own: only the account's count grows.
            var reserved = Assert.IsType<AttemptDecision.Reserved>(_rules.Decide(AttemptCount.None(now), AttemptCount.None(now), account, now));
            account = reserved.Account;
            blockedFor.Add(((account.BlockedUntil ?? now) - now).TotalMinutes);
            now = account.BlockedUntil ?? now;
        }

        Assert.Equal([0, 0, 0, 1, 2, 4, 8], blockedFor);
        Assert.Equal(7, account.Attempts);
    }

    [Fact]
    public void While_the_account_waits_every_address_is_refused_and_nothing_is_counted()
    {
        var account = new AttemptCount(5, Now, Now.AddSeconds(90), Now);

        var refused = Assert.IsType<AttemptDecision.Refused>(_rules.Decide(AttemptCount.None(Now), AttemptCount.None(Now), account, Now.AddSeconds(30)));

        Assert.Equal(TimeSpan.FromSeconds(60), refused.RetryAfter);
    }

    [Fact]
    public void The_pair_limit_refuses_until_its_window_ends_and_the_longest_wait_is_given()
    {
        var pair = new AttemptCount(Limits.PairFailures, Now, null, Now);
        var account = new AttemptCount(1, Now, Now.AddMinutes(20), Now);

        var pairOnly = Assert.IsType<AttemptDecision.Refused>(_rules.Decide(pair, null, AttemptCount.None(Now), Now.AddMinutes(5)));
        var both = Assert.IsType<AttemptDecision.Refused>(_rules.Decide(pair, null, account, Now.AddMinutes(5)));
        var nextWindow = Assert.IsType<AttemptDecision.Reserved>(_rules.Decide(pair, null, AttemptCount.None(Now), Now.AddMinutes(15)));

        Assert.Equal(TimeSpan.FromMinutes(10), pairOnly.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(15), both.RetryAfter);
        Assert.Equal((1, Now.AddMinutes(15)), (nextWindow.Pair.Attempts, nextWindow.Pair.WindowStartedAt));
        Assert.Null(nextWindow.Address);
    }

    [Fact]
    public void The_address_limit_counts_across_accounts()
    {
        var address = new AttemptCount(Limits.AddressFailures - 1, Now, null, Now);

        var last = Assert.IsType<AttemptDecision.Reserved>(_rules.Decide(AttemptCount.None(Now), address, AttemptCount.None(Now), Now));
        var refused = Assert.IsType<AttemptDecision.Refused>(_rules.Decide(AttemptCount.None(Now), last.Address, AttemptCount.None(Now), Now.AddMinutes(1)));

        Assert.Equal(Limits.AddressFailures, last.Address!.Attempts);
        Assert.Equal(TimeSpan.FromMinutes(14), refused.RetryAfter);
    }

    [Fact]
    public void An_account_quiet_for_the_reset_period_starts_counting_again()
    {
        var account = new AttemptCount(30, Now, Now.AddMinutes(15), Now);

        var reserved = Assert.IsType<AttemptDecision.Reserved>(
            _rules.Decide(AttemptCount.None(Now), null, account, Now + Limits.AccountBackoffReset));

        Assert.Equal((1, (DateTime?)null), (reserved.Account.Attempts, reserved.Account.BlockedUntil));
    }
}
