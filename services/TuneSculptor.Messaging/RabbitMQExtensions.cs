using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RabbitMQ.Client;

namespace TuneSculptor.Messaging;

public static class RabbitMQExtensions
{
    public const string HealthCheckName = "rabbitmq";

    /// <summary>
    /// RabbitMQ.Client's publish and deliver spans (<c>RabbitMQ.Client.Publisher</c>, <c>.Subscriber</c>): the
    /// message's <c>traceparent</c> makes them one trace across services.
    /// </summary>
    private const string ClientActivitySources = "RabbitMQ.Client.*";

    /// <summary>
    /// Registers the shared RabbitMQ <see cref="IConnection"/> for the connection string
    /// <paramref name="connectionName"/> (Aspire's client integration: connect retries, automatic recovery), the
    /// <see cref="MessagePublisher"/>, the client's spans and the queue metrics (<see cref="MessagingTelemetry"/>) in
    /// OpenTelemetry, and a health check that opens a channel on it (degraded, not unready, when it fails).
    /// Consumers are added on the returned builder.
    /// </summary>
    public static MessagingBuilder AddRabbitMQMessaging(this IHostApplicationBuilder builder, string connectionName)
    {
        // Our own check, named like the others, instead of the integration's "RabbitMQ.Client".
        builder.AddRabbitMQClient(connectionName, settings => settings.DisableHealthChecks = true);
        builder.Services.Configure<MessagingOptions>(builder.Configuration.GetSection(MessagingOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MessagePublisher>();
        builder.Services.AddSingleton<MessagingTelemetry>();
        builder.Services.AddSingleton<DeliveryForwarder>();
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(MessagingTelemetry.Name))
            .WithTracing(tracing => tracing.AddSource(ClientActivitySources));
        // Degraded when it fails: the broker is shared, its outage is answered per request (an upload's 503), and the
        // service stays ready for everything else (see ServiceDefaults' AddDependencyCheck).
        builder.Services.AddHealthChecks().AddCheck<RabbitMQHealthCheck>(HealthCheckName, HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(5));
        return new MessagingBuilder(builder.Services);
    }
}
