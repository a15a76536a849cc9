using System.ComponentModel.DataAnnotations;

namespace TuneSculptor.Auth.Accounts;

/// <summary>
/// Limits on failed logins (<c>Auth:LoginThrottle</c>). Three counts, each against another attacker:
/// <list type="bullet">
/// <item>per account and client address (<see cref="PairFailures"/> in <see cref="Window"/>): one stranger guessing
/// one password is stopped quickly, and locks out only himself, not the owner at another address;</item>
/// <item>per client address across accounts (<see cref="AddressFailures"/> in <see cref="Window"/>): one address
/// trying one password on many accounts;</item>
/// <item>per account across addresses, a backoff: after <see cref="AccountFailuresBeforeBackoff"/> failures, each further
/// failure makes the account wait <see cref="AccountBackoff"/>, doubling up to <see cref="AccountBackoffCap"/>. Many
/// addresses together guess slowly, while the owner waits at most the cap. The count is forgotten after
/// <see cref="AccountBackoffReset"/> without a failure.</item>
/// </list>
/// </summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "Auth:LoginThrottle";

    [Range(1, int.MaxValue)]
    public int PairFailures { get; set; } = 5;

    [Range(1, int.MaxValue)]
    public int AddressFailures { get; set; } = 50;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    [Range(1, int.MaxValue)]
    public int AccountFailuresBeforeBackoff { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccountBackoff { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccountBackoffCap { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan AccountBackoffReset { get; set; } = TimeSpan.FromHours(24);
}
