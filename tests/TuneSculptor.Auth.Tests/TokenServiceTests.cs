using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TuneSculptor.Auth.Accounts;
using TuneSculptor.Auth.Tokens;

namespace TuneSculptor.Auth.Tests;

public sealed class TokenServiceTests
{
    [Fact]
    public async Task A_token_is_ES256_with_the_key_id_and_the_claims_a_validator_needs()
    {
        using var key = SigningKey.Generate();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var options = new AuthOptions { Issuer = "issuer", Audience = "audience", TokenLifetime = TimeSpan.FromMinutes(30) };
        var user = new User(Guid.CreateVersion7(), "someone@example.com", "hash");

        var issued = new TokenService(key, Options.Create(options), time).Issue(user);

        var token = new JsonWebToken(issued.AccessToken);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal(key.KeyId, token.Kid);
        Assert.Equal(user.Id.ToString(), token.Subject);
        Assert.Equal("someone@example.com", token.GetClaim("email").Value);
        Assert.Equal("issuer", token.Issuer);
        Assert.Equal(["audience"], token.Audiences);
        Assert.Equal(time.GetUtcNow().UtcDateTime, token.IssuedAt);
        Assert.Equal(time.GetUtcNow().UtcDateTime.AddMinutes(30), token.ValidTo);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.Equal(TimeSpan.FromMinutes(30), issued.ExpiresIn);

        // And the published key alone validates it.
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(issued.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = "issuer",
            ValidAudience = "audience",
            IssuerSigningKey = key.PublicJwk,
            ValidateLifetime = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public void The_key_id_is_the_public_key_thumbprint_so_it_survives_restarts()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = ecdsa.ExportPkcs8PrivateKeyPem();

        using var first = SigningKey.FromPem(pem);
        using var second = SigningKey.FromPem(pem);
        using var other = SigningKey.Generate();

        Assert.Equal(first.KeyId, second.KeyId);
        Assert.NotEqual(first.KeyId, other.KeyId);
        Assert.Null(first.PublicJwk.D);
    }

    [Fact]
    public void Only_a_P256_key_signs()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);

        Assert.Throws<InvalidOperationException>(() => SigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem()));
        Assert.ThrowsAny<Exception>(() => SigningKey.FromPem(rsa.ExportPkcs8PrivateKeyPem()));
    }
}
