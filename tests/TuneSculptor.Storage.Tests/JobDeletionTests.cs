using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Storage.Tests;

/// <summary>
/// A job its owner deletes stays deleted whatever the converter does next (every conversion transition is conditional
/// on the status), and its files go through GridFS, chunks included.
/// </summary>
public sealed class JobDeletionTests(MongoServer mongo)
{
    private readonly IMongoDatabase _database = mongo.NewDatabase();
    private ServiceProvider? _services;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IJobSubmissions Submissions => Services.GetRequiredService<IJobSubmissions>();

    private IConversionJobs Conversions => Services.GetRequiredService<IConversionJobs>();

    private ServiceProvider Services => _services ??= new ServiceCollection().AddSingleton(_database).AddSingleton(TimeProvider.System)
        .AddJobSubmissions().AddConversionJobs().BuildServiceProvider();

    [Fact]
    public async Task Only_the_owner_deletes_and_a_second_delete_finds_it_deleted()
    {
        var id = JobIds.New();
        await Submissions.CreateAsync(NewJob(id), Cancellation);

        Assert.Null(await Submissions.MarkDeletedAsync(id, "someone-else", Cancellation));
        Assert.Equal(JobStatus.Queued, (await Conversions.FindAsync(id, Cancellation))!.Status);
        Assert.Equal(JobStatus.Deleted, (await Submissions.MarkDeletedAsync(id, "user-1", Cancellation))!.Status);
        Assert.Equal(JobStatus.Deleted, (await Submissions.MarkDeletedAsync(id, "user-1", Cancellation))!.Status);
        Assert.Null(await Submissions.MarkDeletedAsync(JobIds.New(), "user-1", Cancellation));
    }

    [Fact]
    public async Task No_conversion_outcome_leaves_deleted()
    {
        var id = JobIds.New();
        await Submissions.CreateAsync(NewJob(id), Cancellation);
        Assert.True(await Conversions.StartConvertingAsync(id, "converter-1", TimeSpan.FromMinutes(1), Cancellation));
        await Submissions.MarkDeletedAsync(id, "user-1", Cancellation);

        Assert.False(await Conversions.StartConvertingAsync(id, "converter-1", TimeSpan.FromMinutes(1), Cancellation));
        Assert.False(await Conversions.MarkDoneAsync(id, ObjectId.GenerateNewId(), 5, Cancellation));
        Assert.False(await Conversions.MarkFailedAsync(id, "too late", Cancellation));
        await Conversions.MarkExpiredAsync(id, Cancellation);

        var job = await Conversions.FindAsync(id, Cancellation);
        Assert.Equal(JobStatus.Deleted, job!.Status);
        Assert.Null(job.Mp3FileId);
        Assert.Null(job.Error);
    }

    [Fact]
    public async Task Deleting_a_jobs_files_removes_its_video_and_mp3s_with_their_chunks_and_nobody_elses()
    {
        var media = new MediaStore(_database);
        await StorageIndexes.CreateAsync(_database, Cancellation);
        var id = JobIds.New();
        var other = JobIds.New();
        var big = new byte[600 * 1024];
        Random.Shared.NextBytes(big);
        var video = await media.StoreVideoAsync(new MemoryStream(big), "clip.mp4", Video(id), long.MaxValue, Cancellation);
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, big, Cancellation);
            var mp3 = await media.StoreMp3Async(path, "clip.mp3", Mp3(id), Cancellation);
            var othersMp3 = await media.StoreMp3Async(path, "other.mp3", Mp3(other), Cancellation);

            await media.DeleteFilesOfJobAsync(id, Cancellation);

            Assert.Equal(0, await Count("videos.files", "_id", video.Id));
            Assert.Equal(0, await Count("videos.chunks", "files_id", video.Id));
            Assert.Equal(0, await Count("mp3s.files", "_id", mp3.Id));
            Assert.Equal(0, await Count("mp3s.chunks", "files_id", mp3.Id));
            Assert.Equal(1, await Count("mp3s.files", "_id", othersMp3.Id));
            Assert.Equal(3, await Count("mp3s.chunks", "files_id", othersMp3.Id));
            // Again: nothing left to delete is no error.
            await media.DeleteFilesOfJobAsync(id, Cancellation);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private Task<long> Count(string collection, string field, ObjectId id) =>
        _database.GetCollection<BsonDocument>(collection).CountDocumentsAsync(new BsonDocument(field, id), cancellationToken: Cancellation);

    private static NewJob NewJob(JobId id) =>
        new(id, "user-1", "user-1@example.com", "clip.mp4", "video/mp4", 1234, ObjectId.GenerateNewId(), Bitrate: null);

    private static VideoMetadata Video(JobId id) =>
        new() { OwnerId = "user-1", OwnerEmail = "user-1@example.com", JobId = id, OriginalName = "clip.mp4", ContentType = "video/mp4" };

    private static Mp3Metadata Mp3(JobId id) =>
        new() { OwnerId = "user-1", JobId = id, OriginalName = "clip.mp4", DurationSeconds = 5, Bitrate = null };
}
