using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

public static class MongoDatabaseExtensions
{
    public const string HealthCheckName = "mongodb";

    private static readonly BsonDocument Ping = new("ping", 1);

    /// <summary>
    /// Registers <see cref="IMongoClient"/> and the <see cref="IMongoDatabase"/> named in the connection string
    /// <paramref name="connectionName"/>, with a readiness check that pings it.
    /// </summary>
    public static IHostApplicationBuilder AddMongoDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        var url = MongoUrl.Create(builder.GetRequiredConnectionString(connectionName));
        if (string.IsNullOrEmpty(url.DatabaseName))
        {
            throw new InvalidOperationException($"Connection string '{connectionName}' names no database.");
        }

        builder.Services.AddSingleton<IMongoClient>(_ => new MongoClient(MongoClientSettings.FromUrl(url)));
        builder.Services.AddSingleton(services => services.GetRequiredService<IMongoClient>().GetDatabase(url.DatabaseName));
        return builder.AddDependencyCheck(HealthCheckName, async (services, cancellationToken) =>
        {
            var database = services.GetRequiredService<IMongoDatabase>();
            await database.RunCommandAsync<BsonDocument>(Ping, cancellationToken: cancellationToken);
            return $"database '{database.DatabaseNamespace.DatabaseName}' answers";
        });
    }
}
