using System.Globalization;

namespace TuneSculptor.Links;

/// <summary>
/// The two query parameters a signed link carries besides its subject: <c>expires</c> (unix seconds) and <c>sig</c>
/// (HMAC-SHA256, base64url without padding). Parsed strictly: anything else is not a link of ours.
/// </summary>
public readonly record struct LinkSignature(long Expires, string Sig)
{
    /// <summary>HMAC-SHA256 is 32 bytes: 43 base64url characters.</summary>
    public const int SigLength = 43;

    // Up to year 33658: no legitimate expiry needs more digits, and a bound keeps parsing trivially cheap.
    private const int MaxExpiresDigits = 12;

    public static bool TryParse(string? expires, string? sig, out LinkSignature signature)
    {
        signature = default;
        if (expires is not { Length: > 0 and <= MaxExpiresDigits } || !expires.All(char.IsAsciiDigit)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds))
        {
            return false;
        }

        if (sig is not { Length: SigLength } || !sig.All(IsBase64UrlCharacter))
        {
            return false;
        }

        signature = new LinkSignature(unixSeconds, sig);
        return true;
    }

    private static bool IsBase64UrlCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
