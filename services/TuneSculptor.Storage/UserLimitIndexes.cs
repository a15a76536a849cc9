using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>
/// The indexes the per-user limits' queries need (<see cref="UserUsage"/>), named so they can be told from the others:
/// a user's unfinished jobs are counted, and their files' lengths summed, on every upload. Idempotent.
/// (<see cref="UserReservations"/> looks documents up by <c>_id</c> only.)
/// </summary>
internal static class UserLimitIndexes
{
    /// <summary>Where a GridFS file names its owner (<see cref="VideoMetadata"/>, <see cref="Mp3Metadata"/>).</summary>
    public const string FileOwner = "metadata.owner_id";

    public const string JobsByOwnerAndStatus = "limits_owner_status";

    public const string FilesByOwner = "limits_owner_length";

    public static async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await database.GetCollection<BsonDocument>("jobs").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(
                Builders<BsonDocument>.IndexKeys.Ascending("owner_id").Ascending("status"),
                new CreateIndexOptions { Name = JobsByOwnerAndStatus }),
            cancellationToken: cancellationToken);
        foreach (var bucket in new[] { "videos", "mp3s" })
        {
            // The length with the owner: the sum is answered from the index alone.
            await database.GetCollection<BsonDocument>($"{bucket}.files").Indexes.CreateOneAsync(
                new CreateIndexModel<BsonDocument>(
                    Builders<BsonDocument>.IndexKeys.Ascending(FileOwner).Ascending("length"),
                    new CreateIndexOptions { Name = FilesByOwner }),
                cancellationToken: cancellationToken);
        }
    }
}
