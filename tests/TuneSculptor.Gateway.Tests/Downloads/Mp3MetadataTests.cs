using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using TuneSculptor.Contracts;
using TuneSculptor.Storage;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Gateway.Tests.Downloads;

/// <summary>What a download reads of an mp3 (owner, name), over a real MongoDB (the stand-in).</summary>
public sealed class Mp3MetadataTests(MongoServer mongo) : IDisposable
{
    private readonly IMongoDatabase _database = mongo.NewDatabase();
    private readonly string _mp3 = Path.GetTempFileName();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_mp3_is_stored_with_the_metadata_the_original_system_stored_and_read_back_typed()
    {
        await File.WriteAllBytesAsync(_mp3, [1, 2, 3], Cancellation);
        var jobId = JobIds.New();
        var media = new MediaStore(_database);

        var stored = await media.StoreMp3Async(_mp3, "a.mp3", new Mp3Metadata
        {
            OwnerId = "user-1",
            JobId = jobId,
            OriginalName = "a.mp4",
            DurationSeconds = 5.0,
            Bitrate = null,
        }, Cancellation);

        var document = await _database.GetCollection<BsonDocument>("mp3s.files").Find(new BsonDocument()).SingleAsync(Cancellation);
        Assert.Equal(
            new BsonDocument
            {
                ["owner_id"] = "user-1",
                ["job_id"] = ObjectId.Parse(jobId.ToString()),
                ["original_name"] = "a.mp4",
                ["duration_seconds"] = 5.0,
                ["bitrate"] = BsonNull.Value,
            },
            document["metadata"]);
        var found = await media.FindMp3Async(stored.Id, Cancellation);
        Assert.NotNull(found);
        Assert.Equal((3L, "user-1", jobId, "a.mp4", 5.0, (int?)null),
            (found.Length, found.Metadata.OwnerId, found.Metadata.JobId, found.Metadata.OriginalName, found.Metadata.DurationSeconds, found.Metadata.Bitrate));
    }

    [Fact]
    public async Task An_mp3_stored_by_other_means_reads_with_what_it_has()
    {
        // As the benchmark stores one: an owner and a name, nothing else.
        var bucket = new GridFSBucket(_database, new GridFSBucketOptions { BucketName = "mp3s" });
        var id = await bucket.UploadFromBytesAsync(
            "bench.mp3", [1], new GridFSUploadOptions { Metadata = new BsonDocument { ["owner_id"] = "user-1", ["extra"] = 1 } },
            Cancellation);

        var found = await new MediaStore(_database).FindMp3Async(id, Cancellation);

        Assert.NotNull(found);
        Assert.Equal(("user-1", (JobId?)null, (string?)null), (found.Metadata.OwnerId, found.Metadata.JobId, found.Metadata.OriginalName));
    }

    public void Dispose() => File.Delete(_mp3);
}
