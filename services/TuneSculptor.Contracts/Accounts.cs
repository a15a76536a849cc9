using System.Text.Json;
using System.Text.Json.Serialization;

namespace TuneSculptor.Contracts;

// The bodies of auth's public routes. Auth reads and writes them; the gateway, which forwards those routes, describes
// them with the same types in its OpenAPI document, so the document cannot drift from the wire.

/// <summary><c>POST /register</c>'s body.</summary>
public sealed record RegisterRequest(string? Email, string? Password);

/// <summary>
/// <c>POST /register</c>'s answer (202), the same whether the address was new or taken, so that registering tells
/// nobody who has an account: what happens next is in the mail.
/// </summary>
public sealed record RegistrationReceived(string Status, string Detail)
{
    public static readonly RegistrationReceived CheckYourMail = new(
        "check_your_mail",
        "We sent a mail to this address. Open the link in it to verify the address; then sign in to convert videos.");
}

// Between the services and auth only (auth's /internal routes, which the gateway does not forward).

/// <summary>How the services' HTTP APIs write JSON (snake_case, as ServiceDefaults sets it): for their clients.</summary>
public static class ServiceJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}

/// <summary>A verification link's account and nonce, whose signature the gateway has checked.</summary>
public sealed record VerificationRequest(Guid AccountId, string Nonce);

/// <summary>What verifying did: <see cref="VerificationOutcomes"/>.</summary>
public sealed record VerificationResult(string Outcome);

public static class VerificationOutcomes
{
    /// <summary>The address is verified now.</summary>
    public const string Verified = "verified";

    /// <summary>It was verified before: the link did nothing.</summary>
    public const string AlreadyVerified = "already_verified";

    /// <summary>A later mail's link replaced this one (or the account is gone): it does nothing.</summary>
    public const string Superseded = "superseded";
}

/// <summary>Whether a verification mail was queued (<c>POST /verification-mail</c>), and when one may be asked for again.</summary>
public sealed record VerificationMailResult(string Outcome, long? RetryAfterSeconds)
{
    public const string Sent = "sent";
    public const string AlreadyVerified = VerificationOutcomes.AlreadyVerified;
    public const string TooSoon = "too_soon";
}

/// <summary>Whether an account's address is verified (asked by the notification before it mails anything else).</summary>
public sealed record AddressStatus(bool Verified);

/// <summary><c>POST /login</c>'s answer (RFC 6749 §5.1).</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);
