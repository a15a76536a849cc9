using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;

namespace TuneSculptor.Gateway.Auth;

public static class AuthServiceExtensions
{
    public const string HealthCheckName = "auth";

    /// <summary>The auth service, found by service discovery (<c>services__auth__http__0</c> from the AppHost).</summary>
    public static readonly Uri BaseAddress = new("http://auth");

    private const string ProbeClientName = "auth-probe";

    public static IHostApplicationBuilder AddAuthService(this IHostApplicationBuilder builder)
    {
        // The probe must answer within the check's timeout, so no retries: a down service is news, not noise.
        // (RemoveAllResilienceHandlers is marked experimental; it has been stable since Microsoft.Extensions 9.)
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(ProbeClientName, client => client.BaseAddress = BaseAddress)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName,
            sp => new AuthServiceHealthCheck(sp.GetRequiredService<IHttpClientFactory>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }

    /// <summary>
    /// Reachability of auth through service discovery. It asks auth's liveness, not its readiness: auth's own
    /// dependencies are reported by auth.
    /// </summary>
    private sealed class AuthServiceHealthCheck(IHttpClientFactory httpClientFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var client = httpClientFactory.CreateClient(ProbeClientName);
            using var response = await client.GetAsync(ServiceDefaultsExtensions.AlivePath, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy($"auth answers at {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)}")
                : new HealthCheckResult(context.Registration.FailureStatus, $"auth answered {(int)response.StatusCode}");
        }
    }
}
