using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>Readiness: the database answers a ping. A failure is reported with the exception's message.</summary>
internal sealed class MongoDatabaseHealthCheck(IMongoDatabase database) : IHealthCheck
{
    private static readonly BsonDocument Ping = new("ping", 1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await database.RunCommandAsync<BsonDocument>(Ping, cancellationToken: cancellationToken);
        return HealthCheckResult.Healthy($"database '{database.DatabaseNamespace.DatabaseName}' answers");
    }
}
