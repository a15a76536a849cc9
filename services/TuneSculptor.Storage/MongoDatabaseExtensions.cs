using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MongoDB.Driver;
using OpenTelemetry.Trace;

namespace TuneSculptor.Storage;

public static class MongoDatabaseExtensions
{
    public const string HealthCheckName = "mongodb";

    /// <summary>The driver's own spans (one per command); it emits none unless listened to.</summary>
    private const string DriverActivitySource = "MongoDB.Driver";

    /// <summary>
    /// Registers <see cref="IMongoClient"/>, the <see cref="IMongoDatabase"/> named in the connection string
    /// <paramref name="connectionName"/>, the media store on it, the driver's tracing, the creation of its indexes
    /// (<see cref="StorageIndexes"/>, in the background), and a health check: the database answers and the indexes
    /// are in place (degraded, not unready, when not). Each service adds its own view of the jobs
    /// (<see cref="JobStorageExtensions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMongoDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        var url = MongoUrl.Create(builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing: the AppHost wires it with WithReference."));
        if (string.IsNullOrEmpty(url.DatabaseName))
        {
            throw new InvalidOperationException($"Connection string '{connectionName}' names no database.");
        }

        var settings = MongoClientSettings.FromUrl(url);
        // An unreachable server should fail a request within seconds (503), not after the 30 s default.
        if (url.ServerSelectionTimeout == MongoDefaults.ServerSelectionTimeout)
        {
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        }

        builder.Services.AddSingleton<IMongoClient>(_ => new MongoClient(settings));
        builder.Services.AddSingleton(services => services.GetRequiredService<IMongoClient>().GetDatabase(url.DatabaseName));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<MediaStore>();
        builder.Services.AddSingleton<StorageIndexInitializer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StorageIndexInitializer>());
        builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(DriverActivitySource));
        // Degraded when it fails: the database is shared, its outage is answered per request (503), and the service
        // stays ready for everything else (see ServiceDefaults' AddDependencyCheck).
        builder.Services.AddHealthChecks().AddCheck<MongoDatabaseHealthCheck>(HealthCheckName, HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(5));
        return builder;
    }
}
