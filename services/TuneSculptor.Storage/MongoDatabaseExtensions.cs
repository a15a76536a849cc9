using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

public static class MongoDatabaseExtensions
{
    public const string HealthCheckName = "mongodb";

    /// <summary>
    /// Registers <see cref="IMongoClient"/> and the <see cref="IMongoDatabase"/> named in the connection string
    /// <paramref name="connectionName"/> (wired by the AppHost), with a readiness check that pings it.
    /// </summary>
    public static IHostApplicationBuilder AddMongoDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing: the AppHost wires it with WithReference.");
        var url = MongoUrl.Create(connectionString);
        if (string.IsNullOrEmpty(url.DatabaseName))
        {
            throw new InvalidOperationException($"Connection string '{connectionName}' names no database.");
        }

        builder.Services.AddSingleton<IMongoClient>(_ => new MongoClient(MongoClientSettings.FromUrl(url)));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>().GetDatabase(url.DatabaseName));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName,
            sp => new MongoDatabaseHealthCheck(sp.GetRequiredService<IMongoDatabase>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(5)));
        return builder;
    }

    private sealed class MongoDatabaseHealthCheck(IMongoDatabase database) : IHealthCheck
    {
        private static readonly BsonDocument Ping = new("ping", 1);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await database.RunCommandAsync<BsonDocument>(Ping, cancellationToken: cancellationToken);
            return HealthCheckResult.Healthy($"database '{database.DatabaseNamespace.DatabaseName}' answers");
        }
    }
}
