using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TuneSculptor.Auth.Accounts;

namespace TuneSculptor.Auth.Tokens;

public sealed record IssuedToken(string AccessToken, TimeSpan ExpiresIn);

/// <summary>Issues the access tokens the gateway checks on its own against the published keys.</summary>
public sealed class TokenService(SigningKey signingKey, IOptions<AuthOptions> options, TimeProvider time)
{
    public const string EmailVerifiedClaim = "email_verified";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedToken Issue(User user)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            Expires = now + settings.TokenLifetime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = user.Id.ToString(),
                [JwtRegisteredClaimNames.Email] = user.Email,
                // OpenID Connect's claim: the gateway refuses uploads until it is true (re-login after verifying).
                [EmailVerifiedClaim] = user.EmailVerified,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = signingKey.Credentials,
        });
        return new IssuedToken(token, settings.TokenLifetime);
    }
}
