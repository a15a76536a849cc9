using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace TuneSculptor.Auth.Tokens;

/// <summary>The ES256 key that signs tokens, and its public half as published in the JWKS.</summary>
public sealed class SigningKey : IDisposable
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private readonly ECDsa _key;

    private SigningKey(ECDsa key)
    {
        _key = key;
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new InvalidOperationException("The signing key must be an EC key on P-256 (ES256).");
        }

        PublicJwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
            Use = JsonWebKeyUseNames.Sig,
            Alg = Algorithm,
        };
        // RFC 7638 thumbprint: the same key always has the same id, so tokens survive restarts and replicas agree.
        KeyId = PublicJwk.Kid = Base64UrlEncoder.Encode(PublicJwk.ComputeJwkThumbprint());
        Credentials = new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, Algorithm);
    }

    public string KeyId { get; }
    public JsonWebKey PublicJwk { get; }
    public SigningCredentials Credentials { get; }

    public static SigningKey FromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return new SigningKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public void Dispose() => _key.Dispose();
}
