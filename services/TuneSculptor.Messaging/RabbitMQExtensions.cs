using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace TuneSculptor.Messaging;

public static class RabbitMQExtensions
{
    public const string HealthCheckName = "rabbitmq";

    /// <summary>
    /// Registers the shared RabbitMQ <see cref="IConnection"/> for the connection string
    /// <paramref name="connectionName"/> (Aspire's client integration: tracing, connect retries, automatic
    /// recovery), with a readiness check that opens a channel on it.
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMQMessaging(this IHostApplicationBuilder builder, string connectionName)
    {
        // Our own check, named like the others, instead of the integration's "RabbitMQ.Client".
        builder.AddRabbitMQClient(connectionName, settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName,
            sp => new RabbitMQConnectionHealthCheck(sp.GetRequiredService<IConnection>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }

    private sealed class RabbitMQConnectionHealthCheck(IConnection connection) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!connection.IsOpen)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"connection closed: {connection.CloseReason?.ReplyText ?? "unknown reason"}");
            }

            // An open socket is not enough: the broker must answer a channel.open.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await channel.CloseAsync(cancellationToken);
            return HealthCheckResult.Healthy($"broker {connection.Endpoint.HostName}:{connection.Endpoint.Port} answers");
        }
    }
}
