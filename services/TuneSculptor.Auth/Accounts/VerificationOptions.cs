namespace TuneSculptor.Auth.Accounts;

/// <summary>How often an account may be sent a verification mail (<c>Auth:Verification</c>).</summary>
public sealed class VerificationOptions
{
    public const string Section = "Auth:Verification";

    /// <summary>The least time between two verification mails to one account.</summary>
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Verification mails to one account per UTC day, the one sent at registration included.</summary>
    public int MailsPerDay { get; set; } = 5;
}
