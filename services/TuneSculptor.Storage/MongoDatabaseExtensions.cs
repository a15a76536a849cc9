using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

public static class MongoDatabaseExtensions
{
    public const string HealthCheckName = "mongodb";

    private static readonly BsonDocument Ping = new("ping", 1);

    /// <summary>
    /// Registers <see cref="IMongoClient"/>, the <see cref="IMongoDatabase"/> named in the connection string
    /// <paramref name="connectionName"/>, the media store on it, and a readiness check that pings it. Each service
    /// adds its own view of the jobs (<see cref="JobStorageExtensions"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMongoDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        var url = MongoUrl.Create(builder.GetRequiredConnectionString(connectionName));
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
        return builder.AddDependencyCheck(HealthCheckName, async (services, cancellationToken) =>
        {
            var database = services.GetRequiredService<IMongoDatabase>();
            await database.RunCommandAsync<BsonDocument>(Ping, cancellationToken: cancellationToken);
            return $"database '{database.DatabaseNamespace.DatabaseName}' answers";
        });
    }
}
