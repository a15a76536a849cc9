using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TuneSculptor.System.Tests.Accounts;

/// <summary>
/// Makes the tokens an attacker (or a bug) would present: with the system's real signing key but wrong claims,
/// unsigned, HMAC-keyed with the public key, or signed with some other key.
/// </summary>
public sealed class TokenForger(ECDsa realKey, string keyId)
{
    public const string Issuer = "tunesculptor";
    public const string Audience = "tunesculptor-api";

    public static TokenForger FromPem(string privateKeyPem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(privateKeyPem);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        return new TokenForger(key, Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()));
    }

    /// <summary>A token signed with the real key; each argument left out is the correct value.</summary>
    public string Signed(string? issuer = null, string? audience = null, DateTime? expires = null, string subject = "forged-subject")
        => SignWith(realKey, keyId, issuer, audience, expires, subject);

    public static string SignedWithForeignKey()
    {
        using var foreign = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return SignWith(foreign, "foreign-key", null, null, null, "forged-subject");
    }

    public static string Unsigned() =>
        $"{Encode(new { alg = "none", typ = "JWT" })}.{Encode(Payload())}.";

    /// <summary>The classic confusion: HS256 with the server's public key (as PEM) for the HMAC secret.</summary>
    public string HmacWithPublicKey()
    {
        var secret = Encoding.UTF8.GetBytes(realKey.ExportSubjectPublicKeyInfoPem());
        var unsigned = $"{Encode(new { alg = "HS256", typ = "JWT", kid = keyId })}.{Encode(Payload())}";
        return $"{unsigned}.{Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(unsigned)))}";
    }

    /// <summary>A genuine token whose payload was edited afterwards (another email), signature left as it was.</summary>
    public static string Tampered(string genuineToken)
    {
        var parts = genuineToken.Split('.');
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        var edited = claims.ToDictionary(c => c.Key, c => c.Key == "email" ? (object)"admin@example.com" : c.Value);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(edited))}.{parts[2]}";
    }

    private static string SignWith(ECDsa key, string kid, string? issuer, string? audience, DateTime? expires, string subject)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            IssuedAt = (expires ?? now.AddMinutes(10)).AddHours(-1),
            Expires = expires ?? now.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["email"] = "forged@example.com", ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static object Payload()
    {
        var now = DateTimeOffset.UtcNow;
        return new
        {
            iss = Issuer, aud = Audience, sub = "forged-subject", email = "forged@example.com",
            iat = now.ToUnixTimeSeconds(), exp = now.AddMinutes(10).ToUnixTimeSeconds(),
        };
    }

    private static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
}
