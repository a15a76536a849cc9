namespace TuneSculptor.Auth.Tokens;

/// <summary>Token settings (<c>Auth</c> section). The gateway validates with the same issuer and audience.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "tunesculptor";
    public string Audience { get; set; } = "tunesculptor-api";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// PEM of the ES256 (P-256) private key that signs tokens: a secret parameter of the AppHost, a Kubernetes
    /// Secret in production. Only Development may go without one (a key is then generated per process).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>PBKDF2-HMAC-SHA512 iterations for new password hashes; older hashes are upgraded at login.</summary>
    public int PasswordHashIterations { get; set; } = 210_000;
}
