using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Harness;

/// <summary>The <c>media</c> database read directly: what the API does not show (file documents, notified_at).</summary>
public sealed class MediaDatabase(IMongoDatabase database)
{
    public static async Task<MediaDatabase> ConnectAsync(HostProcessSystem system, CancellationToken cancellationToken) =>
        new(new MongoClient(await system.App.GetConnectionStringAsync("media", cancellationToken)).GetDatabase("media"));

    public Task<long> CountMp3sOfJobAsync(string jobId, CancellationToken cancellationToken) =>
        Count("mp3s.files", new BsonDocument("metadata.job_id", ObjectId.Parse(jobId)), cancellationToken);

    /// <summary>mp3 files by the job they were made for, of all the given owners (user ids).</summary>
    public async Task<IReadOnlyList<string>> Mp3JobIdsOfAsync(IEnumerable<string> ownerIds, CancellationToken cancellationToken)
    {
        var files = await database.GetCollection<BsonDocument>("mp3s.files")
            .Find(new BsonDocument("metadata.owner_id", new BsonDocument("$in", new BsonArray(ownerIds))))
            .Project(new BsonDocument("metadata.job_id", 1))
            .ToListAsync(cancellationToken);
        return files.Select(file => file["metadata"]["job_id"].ToString()!).ToList();
    }

    public Task<long> CountVideosOfAsync(string ownerEmail, CancellationToken cancellationToken) =>
        Count("videos.files", new BsonDocument("metadata.owner_email", ownerEmail), cancellationToken);

    public async Task<BsonDocument> JobAsync(string jobId, CancellationToken cancellationToken) =>
        await database.GetCollection<BsonDocument>("jobs").Find(new BsonDocument("_id", ObjectId.Parse(jobId))).SingleAsync(cancellationToken);

    private Task<long> Count(string collection, BsonDocument filter, CancellationToken cancellationToken) =>
        database.GetCollection<BsonDocument>(collection).CountDocumentsAsync(filter, cancellationToken: cancellationToken);
}
