using MailKit.Net.Smtp;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TuneSculptor.Notification.Email;

public static class SmtpExtensions
{
    public const string HealthCheckName = "smtp";

    /// <summary>
    /// Reads the SMTP settings from the connection string <paramref name="connectionName"/> (the AppHost's mail
    /// server, or a real provider in production) and adds a readiness check that connects and, with credentials,
    /// logs in.
    /// </summary>
    public static IHostApplicationBuilder AddSmtp(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing: the AppHost wires it with WithReference.");
        builder.Services.AddSingleton(SmtpSettings.Parse(connectionString));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName,
            sp => new SmtpHealthCheck(sp.GetRequiredService<SmtpSettings>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(10)));
        return builder;
    }

    private sealed class SmtpHealthCheck(SmtpSettings settings) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
            if (settings.Credentials is not null)
            {
                await client.AuthenticateAsync(settings.Credentials, cancellationToken);
            }

            await client.DisconnectAsync(quit: true, cancellationToken);
            return HealthCheckResult.Healthy($"SMTP server {settings} answers");
        }
    }
}
