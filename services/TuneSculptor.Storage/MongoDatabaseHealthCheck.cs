using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>
/// Health of the shared database: it answers a ping and the indexes the queries need are in place. A failure is
/// reported with the registration's failure status and the exception's message.
/// </summary>
internal sealed class MongoDatabaseHealthCheck(IMongoDatabase database, StorageIndexInitializer indexes) : IHealthCheck
{
    private static readonly BsonDocument Ping = new("ping", 1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await database.RunCommandAsync<BsonDocument>(Ping, cancellationToken: cancellationToken);
        return indexes.NotReadyReason is { } reason
            ? new HealthCheckResult(context.Registration.FailureStatus, $"database '{database.DatabaseNamespace.DatabaseName}' answers, but {reason}")
            : HealthCheckResult.Healthy($"database '{database.DatabaseNamespace.DatabaseName}' answers");
    }
}
