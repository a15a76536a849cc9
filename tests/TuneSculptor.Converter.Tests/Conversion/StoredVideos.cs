using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Converter.Conversion;
using TuneSculptor.Storage;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// Videos stored in GridFS on the Mongo server (the stand-in, or <c>TUNESCULPTOR_TEST_MONGODB</c>), as the gateway
/// stores them, and a <see cref="LoopbackVideoSource"/> serving them; disposed with the test.
/// </summary>
internal sealed class StoredVideos : IAsyncDisposable
{
    private readonly IMongoDatabase _database;

    public StoredVideos(MongoServer mongo, ConverterOptions? options = null, ILoggerFactory? logs = null)
    {
        _database = mongo.NewDatabase();
        Media = new MediaStore(_database);
        var loggerFactory = logs ?? NullLoggerFactory.Instance;
        Source = new LoopbackVideoSource(
            Options.Create(options ?? new ConverterOptions()), Media, loggerFactory, loggerFactory.CreateLogger<LoopbackVideoSource>());
    }

    public MediaStore Media { get; }

    public LoopbackVideoSource Source { get; }

    public JobId JobId { get; } = JobIds.New();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async Task<ObjectId> StoreAsync(string path)
    {
        await using var content = File.OpenRead(path);
        return await StoreAsync(content, Path.GetFileName(path));
    }

    public async Task<ObjectId> StoreAsync(Stream content, string name)
    {
        var stored = await Media.StoreVideoAsync(content, name, new VideoMetadata
        {
            OwnerId = "user-1",
            OwnerEmail = "user-1@example.com",
            JobId = JobId,
            OriginalName = name,
            ContentType = "application/octet-stream",
        }, long.MaxValue, Cancellation);
        return stored.Id;
    }

    /// <summary>Serves the video; fails the test when the source does not start.</summary>
    public async Task<ServedVideo> ServeAsync(ObjectId videoFileId) =>
        await Source.TryServeAsync(JobId, videoFileId, Cancellation) ?? throw new InvalidOperationException("The loopback source did not start.");

    /// <summary>Deletes the stored chunks from number <paramref name="firstMissing"/> on, as a store losing them would.</summary>
    public async Task<long> DeleteChunksFromAsync(ObjectId videoFileId, int firstMissing)
    {
        var chunks = _database.GetCollection<BsonDocument>("videos.chunks");
        var deleted = await chunks.DeleteManyAsync(
            new BsonDocument { ["files_id"] = videoFileId, ["n"] = new BsonDocument("$gte", firstMissing) }, Cancellation);
        return deleted.DeletedCount;
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await _database.Client.DropDatabaseAsync(_database.DatabaseNamespace.DatabaseName, CancellationToken.None);
    }
}
