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

    /// <summary>The uploads the gateway holds a slot for, for the user <paramref name="ownerId"/> (collection <c>user_reservations</c>).</summary>
    public async Task<int> UploadsInFlightOfAsync(string ownerId, CancellationToken cancellationToken)
    {
        var document = await database.GetCollection<BsonDocument>("user_reservations")
            .Find(new BsonDocument("owner_id", ownerId)).FirstOrDefaultAsync(cancellationToken);
        return document?["uploads_count"].ToInt32() ?? 0;
    }

    public async Task<BsonDocument> JobAsync(string jobId, CancellationToken cancellationToken) =>
        await database.GetCollection<BsonDocument>("jobs").Find(new BsonDocument("_id", ObjectId.Parse(jobId))).SingleAsync(cancellationToken);

    /// <summary>Files of either bucket stored for the job (by <c>metadata.job_id</c>), as "bucket id".</summary>
    public async Task<IReadOnlyList<string>> FilesOfJobAsync(string jobId, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var bucket in new[] { "videos", "mp3s" })
        {
            var found = await database.GetCollection<BsonDocument>($"{bucket}.files")
                .Find(new BsonDocument("metadata.job_id", ObjectId.Parse(jobId)))
                .Project(new BsonDocument("_id", 1))
                .ToListAsync(cancellationToken);
            files.AddRange(found.Select(file => $"{bucket} {file["_id"]}"));
        }

        return files;
    }

    /// <summary>
    /// Chunks of either bucket whose file document is missing, of files made since <paramref name="since"/> (a file id
    /// holds its creation time): what a delete that bypassed GridFS, or an upload abandoned half way, leaves. Older
    /// files are left out, as the retention sweep may be deleting one at that very moment (file first, chunks next).
    /// </summary>
    public async Task<IReadOnlyList<string>> OrphanChunksAsync(DateTime since, CancellationToken cancellationToken)
    {
        var orphans = new List<string>();
        foreach (var bucket in new[] { "videos", "mp3s" })
        {
            var files = (await database.GetCollection<BsonDocument>($"{bucket}.files")
                    .Find(FilterDefinition<BsonDocument>.Empty).Project(new BsonDocument("_id", 1)).ToListAsync(cancellationToken))
                .Select(file => file["_id"]).ToHashSet();
            var chunks = await database.GetCollection<BsonDocument>($"{bucket}.chunks")
                .Find(FilterDefinition<BsonDocument>.Empty).Project(new BsonDocument("files_id", 1)).ToListAsync(cancellationToken);
            orphans.AddRange(chunks.Select(chunk => chunk["files_id"])
                .Where(id => id.AsObjectId.CreationTime >= since.AddSeconds(-1) && !files.Contains(id))
                .Distinct()
                .Select(id => $"{bucket} {id}"));
        }

        return orphans;
    }

    private Task<long> Count(string collection, BsonDocument filter, CancellationToken cancellationToken) =>
        database.GetCollection<BsonDocument>(collection).CountDocumentsAsync(filter, cancellationToken: cancellationToken);
}
