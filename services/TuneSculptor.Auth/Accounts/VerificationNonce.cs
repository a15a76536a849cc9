using System.Security.Cryptography;

namespace TuneSculptor.Auth.Accounts;

/// <summary>Names one verification mail: 128 random bits, 32 hexadecimal digits.</summary>
public static class VerificationNonce
{
    public const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool IsWellFormed(string? nonce) =>
        nonce is { Length: Length } && nonce.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
