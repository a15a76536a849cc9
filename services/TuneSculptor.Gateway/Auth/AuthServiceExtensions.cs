using Microsoft.Extensions.Http.Resilience;

namespace TuneSculptor.Gateway.Auth;

public static class AuthServiceExtensions
{
    public const string HealthCheckName = "auth";

    /// <summary>The auth service, found by service discovery (<c>services__auth__http__0</c> from the AppHost).</summary>
    public static readonly Uri BaseAddress = new("http://auth");

    private const string ProbeClientName = "auth-probe";

    /// <summary>
    /// Adds a readiness check that auth is reachable through service discovery. It asks auth's liveness, not its
    /// readiness: auth's own dependencies are auth's to report.
    /// </summary>
    public static IHostApplicationBuilder AddAuthService(this IHostApplicationBuilder builder)
    {
        // The probe must answer within the check's timeout, so no retries: a down service is news, not noise.
        // (RemoveAllResilienceHandlers is marked experimental; it has been stable since Microsoft.Extensions 9.)
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(ProbeClientName, client => client.BaseAddress = BaseAddress)
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder.AddDependencyCheck(HealthCheckName, async (services, cancellationToken) =>
        {
            using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(ProbeClientName);
            using var response = await client.GetAsync(ServiceDefaultsExtensions.AlivePath, cancellationToken);
            return response.IsSuccessStatusCode
                ? $"auth answers at {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority)}"
                : throw new InvalidOperationException($"auth answered {(int)response.StatusCode}");
        });
    }
}
