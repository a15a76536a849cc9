using TuneSculptor.Gateway.Http;

namespace TuneSculptor.Gateway.Accounts;

/// <summary>What opening a verification link did, as a page for a browser or JSON for an API client.</summary>
public static class VerificationPage
{
    public static readonly LinkPage Verified = new(
        StatusCodes.Status200OK,
        "Your address is verified.",
        "Sign in again (or, if you are signed in, sign out and in): your new session lets you convert videos.");

    public static readonly LinkPage AlreadyVerified = new(
        StatusCodes.Status200OK,
        "This address is verified already.",
        "The link did nothing more. Sign in to convert videos.");

    public static readonly LinkPage Invalid = new(
        StatusCodes.Status403Forbidden,
        "This verification link is not valid.",
        "It may have been changed or cut short on its way. Open the link from the mail again, or sign in and ask for a new mail.");

    public static readonly LinkPage Expired = new(
        StatusCodes.Status410Gone,
        "This verification link has expired.",
        "Sign in and ask for a new verification mail.");

    public static readonly LinkPage Superseded = new(
        StatusCodes.Status410Gone,
        "This verification link was replaced.",
        "A later mail has a newer link: open that one, or sign in and ask for a new mail.");
}
