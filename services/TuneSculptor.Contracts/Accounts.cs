using System.Text.Json.Serialization;

namespace TuneSculptor.Contracts;

// The bodies of auth's public routes. Auth reads and writes them; the gateway, which forwards those routes, describes
// them with the same types in its OpenAPI document, so the document cannot drift from the wire.

/// <summary><c>POST /register</c>'s body.</summary>
public sealed record RegisterRequest(string? Email, string? Password);

/// <summary><c>POST /register</c>'s answer: the account made.</summary>
public sealed record RegisteredUser(Guid Id, string Email);

/// <summary><c>POST /login</c>'s answer (RFC 6749 §5.1).</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);
