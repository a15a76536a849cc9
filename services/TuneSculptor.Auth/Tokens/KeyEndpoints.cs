using Microsoft.Extensions.Options;

namespace TuneSculptor.Auth.Tokens;

/// <summary>OpenID Connect discovery and the JWKS: what a token validator needs to check tokens by itself.</summary>
public static class KeyEndpoints
{
    public const string DiscoveryPath = "/.well-known/openid-configuration";
    public const string JwksPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapKeyEndpoints(this IEndpointRouteBuilder app)
    {
        // The JWKS address is given on the host the caller used (auth is reached under a service-discovery name).
        app.MapGet(DiscoveryPath, (HttpRequest request, IOptions<AuthOptions> options) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = options.Value.Issuer,
            ["jwks_uri"] = $"{request.Scheme}://{request.Host}{JwksPath}",
            ["response_types_supported"] = new[] { "token" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { SigningKey.Algorithm },
            ["claims_supported"] = new[] { "sub", "email", "email_verified", "iss", "aud", "iat", "exp", "jti" },
        }));

        app.MapGet(JwksPath, (SigningKey key) => Results.Json(new
        {
            keys = new[]
            {
                new { kty = key.PublicJwk.Kty, crv = key.PublicJwk.Crv, x = key.PublicJwk.X, y = key.PublicJwk.Y, kid = key.KeyId, use = key.PublicJwk.Use, alg = key.PublicJwk.Alg },
            },
        }));
        return app;
    }
}
