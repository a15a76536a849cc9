using System.Net.Mail;
using System.Text;

namespace TuneSculptor.Auth.Accounts;

/// <summary>What a user may type as an email address and a password, and how they arrive in a login.</summary>
public static class Credentials
{
    public const int MinimumPasswordLength = 8;

    /// <summary>Hashing is slow on purpose; megabytes of password would make it a cheap denial of service.</summary>
    public const int MaximumPasswordLength = 1024;

    public const int MaximumEmailLength = 254;

    /// <summary>The form addresses are compared in: one account per address, whatever its case.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    /// <returns>null when the address is acceptable, else why not.</returns>
    public static string? ValidateEmail(string? email)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return "An email address is required.";
        }

        if (trimmed.Length > MaximumEmailLength)
        {
            return $"An email address has at most {MaximumEmailLength} characters.";
        }

        // Mail goes to this address: no display names, comments, line breaks or dotless hosts.
        return trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
               || !MailAddress.TryCreate(trimmed, out var address)
               || address.Address != trimmed
               || !address.Host.Contains('.', StringComparison.Ordinal)
            ? "This is not a valid email address."
            : null;
    }

    /// <returns>null when the password is acceptable, else why not.</returns>
    public static string? ValidatePassword(string? password) =>
        password is null || password.Length < MinimumPasswordLength
            ? $"A password has at least {MinimumPasswordLength} characters."
            : password.Length > MaximumPasswordLength
                ? $"A password has at most {MaximumPasswordLength} characters."
                : null;

    /// <summary>Reads <c>Authorization: Basic base64(email:password)</c> (RFC 7617, UTF-8).</summary>
    public static bool TryParseBasic(string? authorization, out string email, out string password)
    {
        email = password = string.Empty;
        const string scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = authorization[scheme.Length..].Trim();
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var length))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return false;
        }

        email = decoded[..separator];
        password = decoded[(separator + 1)..];
        return true;
    }
}
