namespace TuneSculptor.Links;

/// <summary>
/// What a signed link is for. The purpose is part of what is signed, so a link made for one purpose is worthless for
/// any other, even over the same subject and key.
/// </summary>
public static class LinkPurposes
{
    /// <summary>Downloading one mp3: subject the mp3's id, bound to its owner.</summary>
    public const string Download = "download";

    /// <summary>Verifying an account's address: subject the account's id, bound to the nonce of the mail that carried it.</summary>
    public const string VerifyEmail = "verify-email";
}
