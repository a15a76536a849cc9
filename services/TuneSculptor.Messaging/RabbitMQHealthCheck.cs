using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace TuneSculptor.Messaging;

/// <summary>Health of the broker: the shared connection is open and the broker answers. A failure is reported with the exception's message.</summary>
internal sealed class RabbitMQHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Resolved here rather than injected: the first resolution connects, and a broker that cannot be reached then
        // must fail this check, not the whole health endpoint (which creates checks outside its error handling).
        var connection = services.GetRequiredService<IConnection>();
        if (!connection.IsOpen)
        {
            throw new InvalidOperationException($"connection closed: {connection.CloseReason?.ReplyText ?? "unknown reason"}");
        }

        // An open socket is not enough: the broker must answer a channel.open.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.CloseAsync(cancellationToken);
        return HealthCheckResult.Healthy($"broker {connection.Endpoint.HostName}:{connection.Endpoint.Port} answers");
    }
}
