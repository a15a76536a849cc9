using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>
/// Creates the indexes (<see cref="StorageIndexes"/>) once per process, retrying until the database answers: in a
/// cluster a service may start before its database. Until then the health check reports why they are missing.
/// </summary>
internal sealed partial class StorageIndexInitializer(IMongoDatabase database, ILogger<StorageIndexInitializer> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private volatile string? _notReadyReason = "the indexes are being created";

    /// <summary>Null once the indexes exist; otherwise why they do not yet.</summary>
    public string? NotReadyReason => _notReadyReason;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await StorageIndexes.CreateAsync(database, stoppingToken);
                _notReadyReason = null;
                LogCreated(database.DatabaseNamespace.DatabaseName);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _notReadyReason = $"the indexes could not be created yet: {ex.Message}";
                LogRetrying(ex, RetryDelay.TotalSeconds);
            }

            await Task.Delay(RetryDelay, stoppingToken);
        }
    }

    [LoggerMessage(LogLevel.Information, "Indexes of database '{Database}' are in place")]
    private partial void LogCreated(string database);

    [LoggerMessage(LogLevel.Warning, "Creating the database's indexes failed; retrying in {Seconds} s")]
    private partial void LogRetrying(Exception exception, double seconds);
}
