using MySqlConnector;

namespace TuneSculptor.Auth.Data;

public static class MySqlDataSourceExtensions
{
    public const string HealthCheckName = "mysql";

    /// <summary>
    /// Registers a pooled <see cref="MySqlDataSource"/> for the connection string <paramref name="connectionName"/>,
    /// with a readiness check that opens a connection and pings the server.
    /// </summary>
    public static IHostApplicationBuilder AddMySqlDataSource(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.GetRequiredConnectionString(connectionName);
        builder.Services.AddSingleton(_ => new MySqlDataSourceBuilder(connectionString).Build());
        return builder.AddDependencyCheck(HealthCheckName, async (services, cancellationToken) =>
        {
            await using var connection = await services.GetRequiredService<MySqlDataSource>().OpenConnectionAsync(cancellationToken);
            return await connection.PingAsync(cancellationToken)
                ? $"database '{connection.Database}' on {connection.ServerVersion} answers"
                : throw new InvalidOperationException("the server did not answer a ping");
        });
    }
}
