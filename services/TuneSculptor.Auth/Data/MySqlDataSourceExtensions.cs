using MySqlConnector;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace TuneSculptor.Auth.Data;

public static class MySqlDataSourceExtensions
{
    public const string HealthCheckName = "mysql";

    /// <summary>MySqlConnector's activity source and meter (commands, pool usage); it emits nothing unless listened to.</summary>
    private const string DriverTelemetry = "MySqlConnector";

    /// <summary>
    /// Registers a pooled <see cref="MySqlDataSource"/> for the connection string <paramref name="connectionName"/>,
    /// with the driver's traces and metrics, and a health check that opens a connection and pings the server.
    /// </summary>
    public static IHostApplicationBuilder AddMySqlDataSource(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.GetRequiredConnectionString(connectionName);
        builder.Services.AddSingleton(_ => new MySqlDataSourceBuilder(connectionString).Build());
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(DriverTelemetry))
            .WithMetrics(metrics => metrics.AddMeter(DriverTelemetry));
        return builder.AddDependencyCheck(HealthCheckName, async (services, cancellationToken) =>
        {
            await using var connection = await services.GetRequiredService<MySqlDataSource>().OpenConnectionAsync(cancellationToken);
            return await connection.PingAsync(cancellationToken)
                ? $"database '{connection.Database}' on {connection.ServerVersion} answers"
                : throw new InvalidOperationException("the server did not answer a ping");
        });
    }
}
