using System.Security.Claims;

namespace TuneSculptor.Gateway.Auth;

/// <summary>
/// Who the validated token says the caller is. Auth puts both claims in every token it signs; a token without them
/// is a defect, not a caller to serve under a blank name.
/// </summary>
public static class ClaimsPrincipalExtensions
{
    /// <summary>The user's id (<c>sub</c>): what their jobs and files are owned by.</summary>
    public static string GetUserId(this ClaimsPrincipal user) => Required(user, "sub");

    /// <summary>The user's email address: where their mails go.</summary>
    public static string GetEmail(this ClaimsPrincipal user) => Required(user, "email");

    /// <summary>
    /// Whether the address was verified when the token was issued (<c>email_verified</c>, OpenID Connect's claim):
    /// a token from before the verification says no until its owner signs in again.
    /// </summary>
    public static bool IsEmailVerified(this ClaimsPrincipal user) =>
        string.Equals(user.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);

    public static CurrentUser GetCurrentUser(this ClaimsPrincipal user) => new(user.GetUserId(), user.GetEmail());

    private static string Required(ClaimsPrincipal user, string claim) =>
        user.FindFirstValue(claim) ?? throw new InvalidOperationException($"The token has no '{claim}' claim.");
}
