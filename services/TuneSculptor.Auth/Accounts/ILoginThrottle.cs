namespace TuneSculptor.Auth.Accounts;

public interface ILoginThrottle
{
    /// <summary>
    /// Counts one login attempt as a failure before its password is checked, in the same atomic step as the check of
    /// the limits, so that parallel guesses cannot all pass; or refuses it, counting nothing.
    /// </summary>
    /// <returns>null when the attempt is reserved and may check its password; else how long to wait before trying again.</returns>
    Task<TimeSpan?> TryReserveAsync(string account, string? address, CancellationToken cancellationToken);

    /// <summary>
    /// The reserved attempt had the right password: it was no failure. The account and address's failures are
    /// cleared (the one who knows the password is at that address), the address's and account's counts given back one.
    /// </summary>
    Task ReleaseAsync(string account, string? address, CancellationToken cancellationToken);
}
