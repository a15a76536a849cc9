using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace TuneSculptor.Auth.Data;

public static class MySqlDataSourceExtensions
{
    public const string HealthCheckName = "mysql";

    /// <summary>
    /// Registers a pooled <see cref="MySqlDataSource"/> for the connection string <paramref name="connectionName"/>
    /// (wired by the AppHost), with a readiness check that opens a connection and pings the server.
    /// </summary>
    public static IHostApplicationBuilder AddMySqlDataSource(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing: the AppHost wires it with WithReference.");
        builder.Services.AddSingleton(_ => new MySqlDataSourceBuilder(connectionString).Build());
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName,
            sp => new MySqlHealthCheck(sp.GetRequiredService<MySqlDataSource>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }

    private sealed class MySqlHealthCheck(MySqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await connection.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"database '{connection.Database}' on {connection.ServerVersion} answers")
                : new HealthCheckResult(context.Registration.FailureStatus, "the server did not answer a ping");
        }
    }
}
