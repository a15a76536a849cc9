using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TuneSculptor.Links;

/// <summary>
/// Signs and checks links that carry their own authority: an HMAC-SHA256, under a secret key, over what the link is
/// for (purpose), what it opens (subject, e.g. an mp3's id), whom it is bound to (e.g. the file's owner) and until when.
/// Nothing about a link is stored: whoever holds it may use it until it expires, and it dies with the key, or when
/// what it is bound to no longer matches (the caller checks that: the file deleted, the owner changed).
/// </summary>
public sealed class LinkSigner
{
    private const int MinKeyBytes = 32;

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public LinkSigner(IOptions<LinkSigningOptions> options, TimeProvider time)
    {
        _key = ReadKey(options.Value.SigningKey);
        _time = time;
    }

    /// <summary>The signature of a link; <see cref="Check"/> accepts it until <paramref name="expires"/>.</summary>
    public LinkSignature Sign(string purpose, string subject, string boundTo, DateTimeOffset expires)
    {
        var unixSeconds = expires.ToUnixTimeSeconds();
        return new LinkSignature(unixSeconds, Base64Url.EncodeToString(Mac(purpose, subject, boundTo, unixSeconds)));
    }

    /// <summary>
    /// Whether <paramref name="signature"/> was made by <see cref="Sign"/> for exactly these values, and is not past its
    /// expiry. The signature is compared in constant time, before the expiry is looked at: a forged link learns
    /// nothing, not even whether its expiry would have passed.
    /// </summary>
    public LinkVerdict Check(string purpose, string subject, string boundTo, LinkSignature signature)
    {
        // The text is compared, not decoded bytes: base64url has several spellings of the last character's unused bits,
        // and only ours is accepted.
        var expected = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(Mac(purpose, subject, boundTo, signature.Expires)));
        var given = Encoding.ASCII.GetBytes(signature.Sig);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return LinkVerdict.Invalid;
        }

        return _time.GetUtcNow().ToUnixTimeSeconds() < signature.Expires ? LinkVerdict.Valid : LinkVerdict.Expired;
    }

    /// <summary>
    /// The MAC over the values, each length-prefixed, so that no two different sets of values (say a subject ending
    /// where the next value begins) are the same bytes.
    /// </summary>
    private byte[] Mac(string purpose, string subject, string boundTo, long expires)
    {
        var message = new List<byte>(128);
        foreach (var value in new[] { "tunesculptor-link-v1", purpose, subject, boundTo })
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            message.AddRange(length);
            message.AddRange(bytes);
        }

        var expiry = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(expiry, expires);
        message.AddRange(expiry);
        return HMACSHA256.HashData(_key, message.ToArray());
    }

    private static byte[] ReadKey(string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{LinkSigningOptions.Section}:SigningKey must be base64.", ex);
        }

        return key.Length >= MinKeyBytes
            ? key
            : throw new InvalidOperationException($"{LinkSigningOptions.Section}:SigningKey must hold at least {MinKeyBytes} bytes (base64); it has {key.Length}.");
    }
}
