using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using TuneSculptor.Testing;

namespace TuneSculptor.Storage.Tests;

/// <summary>
/// What was stored survives a restart of the MongoDB server as the AppHost runs it: inserts, updates and deletes,
/// GridFS files whole. On the stand-in this is its journal replayed over its snapshot, and the snapshot rewritten
/// (the journal compacted) once most of the journal is data deleted since.
/// </summary>
public sealed class MongoDBRestartTests : IAsyncLifetime
{
    private SingleServer? _server;
    private MongoClient? _client;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private SingleServer Server => _server ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        _server = await SingleServer.StartMongoDBAsync("restart", Cancellation);
        _client = new MongoClient(_server.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Documents_inserted_changed_and_deleted_and_a_GridFS_file_read_back_the_same_after_a_restart()
    {
        var kept = RandomBytes(3 * 1024 * 1024 + 17, seed: 1);
        var keptId = await Bucket().UploadFromBytesAsync("kept.mp4", kept, cancellationToken: Cancellation);
        var goneId = await Bucket().UploadFromBytesAsync("gone.mp4", RandomBytes(1024 * 1024, seed: 2), cancellationToken: Cancellation);
        await Bucket().DeleteAsync(goneId, Cancellation);
        ObjectId[] jobIds = [ObjectId.GenerateNewId(), ObjectId.GenerateNewId()];
        await Jobs().InsertManyAsync(jobIds.Select(id => new BsonDocument { { "_id", id }, { "status", "queued" } }), cancellationToken: Cancellation);
        await Jobs().UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", jobIds[0]), Builders<BsonDocument>.Update.Set("status", "done"), cancellationToken: Cancellation);
        await Jobs().DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", jobIds[1]), Cancellation);
        // Many small changes at once (more than a system call writes in one go).
        await Database().GetCollection<BsonDocument>("events").InsertManyAsync(
            Enumerable.Range(0, 3000).Select(i => new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "i", i } }), cancellationToken: Cancellation);

        await RestartAsync();

        Assert.Equal(kept, await Bucket().DownloadAsBytesAsync(keptId, cancellationToken: Cancellation));
        await Assert.ThrowsAsync<GridFSFileNotFoundException>(() => Bucket().DownloadAsBytesAsync(goneId, cancellationToken: Cancellation));
        Assert.Equal(0, await Chunks().CountDocumentsAsync(Builders<BsonDocument>.Filter.Eq("files_id", goneId), cancellationToken: Cancellation));
        var job = Assert.Single(await Jobs().Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Cancellation));
        Assert.Equal(jobIds[0], job["_id"].AsObjectId);
        Assert.Equal("done", job["status"].AsString);
        var events = await Database().GetCollection<BsonDocument>("events").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Cancellation);
        Assert.Equal(Enumerable.Range(0, 3000), events.Select(e => e["i"].AsInt32).Order());
    }

    [Fact]
    public async Task After_a_large_file_is_deleted_what_remains_and_what_changes_next_survive_a_restart()
    {
        var kept = RandomBytes(2 * 1024 * 1024, seed: 3);
        var keptId = await Bucket().UploadFromBytesAsync("kept.mp4", kept, cancellationToken: Cancellation);
        // Past the stand-in's journal limit (64 MiB, and twice the live data) once deleted: the next sync compacts.
        var largeId = await Bucket().UploadFromBytesAsync("large.mp4", RandomBytes(80 * 1024 * 1024, seed: 4), cancellationToken: Cancellation);
        await Bucket().DeleteAsync(largeId, Cancellation);
        await Task.Delay(TimeSpan.FromSeconds(3), Cancellation); // a sync or two (each second)
        await Jobs().InsertOneAsync(new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "status", "after the compaction" } }, cancellationToken: Cancellation);

        await RestartAsync();

        Assert.Equal(kept, await Bucket().DownloadAsBytesAsync(keptId, cancellationToken: Cancellation));
        await Assert.ThrowsAsync<GridFSFileNotFoundException>(() => Bucket().DownloadAsBytesAsync(largeId, cancellationToken: Cancellation));
        Assert.Equal("after the compaction", (await Jobs().Find(FilterDefinition<BsonDocument>.Empty).SingleAsync(Cancellation))["status"].AsString);
    }

    /// <summary>Stopped as the AppHost stops it (SIGTERM), started again on the same data; a new client, with fresh connections.</summary>
    private async Task RestartAsync()
    {
        await Server.StopAsync(Cancellation);
        _client?.Dispose();
        await Server.StartAsync(Cancellation);
        _client = new MongoClient(Server.ConnectionString);
    }

    private IMongoDatabase Database() => (_client ?? throw new InvalidOperationException("not started")).GetDatabase("restart");

    private GridFSBucket Bucket() => new(Database(), new GridFSBucketOptions { BucketName = "videos" });

    private IMongoCollection<BsonDocument> Chunks() => Database().GetCollection<BsonDocument>("videos.chunks");

    private IMongoCollection<BsonDocument> Jobs() => Database().GetCollection<BsonDocument>("jobs");

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
