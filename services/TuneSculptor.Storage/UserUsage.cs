using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>
/// What a user holds right now, counted from MongoDB itself (not from one process's memory), so every gateway
/// replica sees the same: the bytes of their stored files and their unfinished jobs. Indexed by
/// <see cref="UserLimitIndexes"/>.
/// </summary>
public sealed class UserUsage
{
    private static readonly string[] Buckets = ["videos", "mp3s"];

    private readonly IMongoDatabase _database;
    private readonly JobsCollection _jobs;

    internal UserUsage(IMongoDatabase database, JobsCollection jobs)
    {
        _database = database;
        _jobs = jobs;
    }

    /// <summary>
    /// The bytes of the user's videos and mp3s in GridFS: what their live jobs hold (a deleted or expired job's files
    /// are gone; an upload still being written has no file document yet, see <see cref="UserReservations"/>).
    /// </summary>
    public async Task<long> StoredBytesAsync(string ownerId, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (var bucket in Buckets)
        {
            var sums = await _database.GetCollection<BsonDocument>($"{bucket}.files").Aggregate()
                .Match(Builders<BsonDocument>.Filter.Eq(UserLimitIndexes.FileOwner, ownerId))
                .Group(new BsonDocument { ["_id"] = BsonNull.Value, ["bytes"] = new BsonDocument("$sum", "$length") })
                .ToListAsync(cancellationToken);
            total += sums.Count == 0 ? 0 : sums[0]["bytes"].ToInt64();
        }

        return total;
    }

    /// <summary>The user's jobs still <c>queued</c> or <c>converting</c>.</summary>
    public Task<long> ActiveJobsAsync(string ownerId, CancellationToken cancellationToken) =>
        _jobs.Documents.CountDocumentsAsync(
            JobsCollection.Filter.Eq(j => j.OwnerId, ownerId) & JobsCollection.Filter.In(j => j.Status, [JobStatus.Queued, JobStatus.Converting]),
            cancellationToken: cancellationToken);
}
