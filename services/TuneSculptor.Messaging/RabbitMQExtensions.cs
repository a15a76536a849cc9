using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using RabbitMQ.Client;

namespace TuneSculptor.Messaging;

public static class RabbitMQExtensions
{
    public const string HealthCheckName = "rabbitmq";

    /// <summary>
    /// Registers the shared RabbitMQ <see cref="IConnection"/> for the connection string
    /// <paramref name="connectionName"/> (Aspire's client integration: tracing, connect retries, automatic
    /// recovery), the <see cref="MessagePublisher"/>, the queue metrics (<see cref="MessagingTelemetry"/>, whose meter is
    /// added to OpenTelemetry here like any library's), and a readiness check that opens a channel on it.
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMQMessaging(this IHostApplicationBuilder builder, string connectionName)
    {
        // Our own check, named like the others, instead of the integration's "RabbitMQ.Client".
        builder.AddRabbitMQClient(connectionName, settings => settings.DisableHealthChecks = true);
        builder.Services.Configure<MessagingOptions>(builder.Configuration.GetSection(MessagingOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MessagePublisher>();
        builder.Services.AddSingleton<MessagingTelemetry>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(MessagingTelemetry.Name));
        return builder.AddDependencyCheck(HealthCheckName, async (services, cancellationToken) =>
        {
            var connection = services.GetRequiredService<IConnection>();
            if (!connection.IsOpen)
            {
                throw new InvalidOperationException($"connection closed: {connection.CloseReason?.ReplyText ?? "unknown reason"}");
            }

            // An open socket is not enough: the broker must answer a channel.open.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await channel.CloseAsync(cancellationToken);
            return $"broker {connection.Endpoint.HostName}:{connection.Endpoint.Port} answers";
        });
    }
}
