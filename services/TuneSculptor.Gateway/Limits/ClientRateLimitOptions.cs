namespace TuneSculptor.Gateway.Limits;

/// <summary>
/// Requests per client address (<c>RateLimits</c> section; <see cref="ClientRateLimits"/>). The defaults are in the
/// README's "Limits" table, with why.
/// </summary>
public sealed class ClientRateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>
    /// <c>POST /register</c>: 10 an hour. Each costs auth a 210,000-round PBKDF2 and may send a mail; a household or
    /// office behind one address makes a few accounts a day, not dozens an hour.
    /// </summary>
    public RateLimit Register { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromHours(1) };

    /// <summary>
    /// <c>POST /login</c>: 20 a minute. Each costs auth a PBKDF2 too; auth's own throttle counts failures per account,
    /// this bounds the work one address can ask for, right or wrong.
    /// </summary>
    public RateLimit Login { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// <c>POST /upload</c>: 20 a minute, refused or not; the per-user limits bound what is stored, this bounds how
    /// often one address may try (with any number of accounts).
    /// </summary>
    public RateLimit Upload { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };

    public IEnumerable<(string Name, RateLimit Limit)> All => [(nameof(Register), Register), (nameof(Login), Login), (nameof(Upload), Upload)];
}
