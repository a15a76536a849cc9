using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.IdentityModel.Tokens;
using TuneSculptor.Gateway.Limits;
using TuneSculptor.ServiceDefaults.Http;
using Yarp.ReverseProxy.Configuration;

namespace TuneSculptor.Gateway.Auth;

public static class AuthServiceExtensions
{
    public const string HealthCheckName = "auth";

    /// <summary>The auth service, found by service discovery (<c>services__auth__http__0</c> from the AppHost).</summary>
    public static readonly Uri BaseAddress = new("http://auth");

    private const string ProbeClientName = "auth-probe";
    private const string MetadataClientName = "auth-metadata";

    /// <summary>
    /// Everything the gateway does with auth: forwards <c>POST /login</c> and <c>POST /register</c> to it,
    /// validates Bearer tokens by itself against auth's published keys (fetched once, refreshed rarely, never per
    /// request), requires a valid token on every other route unless it says otherwise, and checks auth is reachable.
    /// </summary>
    public static IHostApplicationBuilder AddAuthService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromMemory(
                [ForwardToAuth("/login", ClientRateLimits.LoginPolicy), ForwardToAuth("/register", ClientRateLimits.RegisterPolicy)],
                [AuthCluster()])
            .AddServiceDiscoveryDestinationResolver();

        var audience = builder.Configuration["Auth:Audience"]
            ?? throw new InvalidOperationException("Auth:Audience (the audience tokens must be issued for) is missing.");
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = BaseAddress.ToString();
            // Cluster-internal plain HTTP; the keys themselves are public.
            options.RequireHttpsMetadata = false;
            options.MapInboundClaims = false;
            options.IncludeErrorDetails = builder.Environment.IsDevelopment();
            options.TokenValidationParameters = new TokenValidationParameters
            {
                // The issuer comes from auth's discovery document; the algorithm is pinned, which refuses
                // "alg: none" and HS256 tokens keyed with the public key.
                ValidateIssuer = true,
                ValidAudience = audience,
                ValidateAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "email",
            };
        });
        // The discovery document and keys are fetched through service discovery, like every call to auth.
        builder.Services.AddHttpClient(MetadataClientName);
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory>((options, clients) => options.Backchannel = clients.CreateClient(MetadataClientName));

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        // The probe must answer within the check's timeout, so no retries: a down service is news, not noise.
        // (RemoveAllResilienceHandlers is marked experimental; it has been stable since Microsoft.Extensions 9.)
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(ProbeClientName, client => client.BaseAddress = BaseAddress)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        // Auth's liveness, not its readiness: auth's own dependencies are auth's to report.
        return builder.AddDependencyCheck(HealthCheckName, async (services, cancellationToken) =>
        {
            using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(ProbeClientName);
            using var response = await client.GetAsync(ServiceDefaultsExtensions.AlivePath, cancellationToken);
            return response.IsSuccessStatusCode
                ? $"auth answers at {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)}"
                : throw new InvalidOperationException($"auth answered {(int)response.StatusCode}");
        });
    }

    private static RouteConfig ForwardToAuth(string path, string rateLimiterPolicy) => new()
    {
        RouteId = path.Trim('/'),
        ClusterId = "auth",
        // Logging in and registering are how one gets a token.
        AuthorizationPolicy = "anonymous",
        // Small JSON (or no body at all): Kestrel refuses more with a 413 as it is read, chunked or not, before auth
        // receives much of it; auth holds to the same limit itself.
        MaxRequestBodySize = RequestLimits.JsonBodyBytes,
        // Per client address, before auth spends a PBKDF2 on it (ClientRateLimits).
        RateLimiterPolicy = rateLimiterPolicy,
        Match = new RouteMatch { Path = path, Methods = [HttpMethods.Post] },
    };

    private static ClusterConfig AuthCluster() => new()
    {
        ClusterId = "auth",
        Destinations = new Dictionary<string, DestinationConfig> { ["auth"] = new() { Address = BaseAddress.ToString() } },
    };
}
