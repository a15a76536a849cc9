using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Converter.Retention;
using TuneSculptor.Storage;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Converter.Tests.Retention;

/// <summary>
/// Job records finished with (expired, deleted, failed) are removed once they are <c>Retention:PruneJobsAfter</c> old
/// (a minute here, by configuration; 30 days by default), with what is left of their files; anything still in use
/// stays. Over a real MongoDB (the stand-in), on a fake clock.
/// </summary>
public sealed class JobPrunerTests(MongoServer mongo) : IClassFixture<MongoServer>, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly IMongoDatabase _database = mongo.NewDatabase();
    private readonly FakeTimeProvider _time = new(Start);
    private IHost? _host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IServiceProvider Services => (_host ??= BuildConverterRetention()).Services;

    private IConversionJobs Conversions => Services.GetRequiredService<IConversionJobs>();

    [Fact]
    public async Task Finished_jobs_go_after_the_configured_period_with_their_leftover_files_and_nothing_in_use_goes()
    {
        var expired = await CreateAsync();
        await Conversions.StartConvertingAsync(expired, "converter-1", TimeSpan.FromMinutes(1), Cancellation);
        await Conversions.MarkDoneAsync(expired, ObjectId.GenerateNewId(), 60, Cancellation);
        await Conversions.MarkExpiredAsync(expired, Cancellation);
        var deleted = await CreateAsync();
        await Services.GetRequiredService<IJobSubmissions>().MarkDeletedAsync(deleted, "user-1", Cancellation);
        var failed = await CreateAsync();
        var failedVideo = await StoreVideoAsync(failed);
        await Conversions.MarkFailedAsync(failed, "not a video or audio file", Cancellation);
        var done = await CreateAsync();
        await Conversions.MarkDoneAsync(done, ObjectId.GenerateNewId(), 60, Cancellation);
        var queued = await CreateAsync();
        var storedBeforeChangedAt = await InsertWithoutChangedAtAsync(JobStatus.Expired, Start.UtcDateTime.AddDays(-1));

        _time.Advance(TimeSpan.FromSeconds(30));
        var expiredLater = await CreateAsync();
        await Conversions.MarkFailedAsync(expiredLater, "failed", Cancellation);
        await Conversions.MarkExpiredAsync(expiredLater, Cancellation);

        // Half a period after they finished: only the job last changed a day ago is due.
        Assert.Equal(1, await PruneAsync());
        Assert.Equal([expired, deleted, failed, done, queued, expiredLater], await RemainingAsync());

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(3, await PruneAsync());
        Assert.Equal([done, queued, expiredLater], await RemainingAsync());
        Assert.Equal(0, await CountAsync("videos.files", "_id", failedVideo));
        Assert.Equal(0, await CountAsync("videos.chunks", "files_id", failedVideo));

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await PruneAsync());
        Assert.Equal([done, queued], await RemainingAsync());
    }

    [Fact]
    public async Task A_job_that_changed_since_it_was_found_due_is_left_alone()
    {
        var failed = await CreateAsync();
        await Conversions.MarkFailedAsync(failed, "failed", Cancellation);
        _time.Advance(TimeSpan.FromMinutes(2));
        var cutoff = _time.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(1);
        Assert.Equal([failed], await Conversions.FindPrunableAsync(cutoff, 10, Cancellation));

        // A late redelivery converted it after all, between the sweep's look and its removal.
        await Conversions.MarkDoneAsync(failed, ObjectId.GenerateNewId(), 60, Cancellation);

        Assert.False(await Conversions.PruneAsync(failed, cutoff, Cancellation));
        Assert.Equal([failed], await RemainingAsync());
    }

    /// <summary>The converter's retention, as it registers it, with its period shortened by configuration.</summary>
    private IHost BuildConverterRetention()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Retention:PruneJobsAfter"] = "00:01:00" });
        builder.AddRetention();
        builder.Services.AddSingleton(_database).AddSingleton<TimeProvider>(_time).AddSingleton<MediaStore>().AddJobSubmissions().AddConversionJobs();
        return builder.Build();
    }

    private Task<int> PruneAsync() => Services.GetRequiredService<JobPruner>().PruneAsync(Cancellation);

    private async Task<JobId> CreateAsync()
    {
        var job = new NewJob(JobIds.New(), "user-1", "someone@example.com", "holiday.mp4", "video/mp4", 3, ObjectId.GenerateNewId(), Bitrate: null);
        return (await Services.GetRequiredService<IJobSubmissions>().CreateAsync(job, Cancellation)).Id;
    }

    private async Task<ObjectId> StoreVideoAsync(JobId job)
    {
        var metadata = new VideoMetadata { OwnerId = "user-1", OwnerEmail = "someone@example.com", JobId = job, OriginalName = "holiday.mp4", ContentType = "video/mp4" };
        var stored = await Services.GetRequiredService<MediaStore>().StoreVideoAsync(new MemoryStream([1, 2, 3]), "holiday.mp4", metadata, 10, Cancellation);
        return stored.Id;
    }

    /// <summary>A job as stored before changed_at existed: only updated_at tells its age.</summary>
    private async Task<JobId> InsertWithoutChangedAtAsync(string status, DateTime updatedAt)
    {
        var id = JobIds.New();
        await _database.GetCollection<BsonDocument>("jobs").InsertOneAsync(new BsonDocument
        {
            ["_id"] = ObjectId.Parse(id.ToString()),
            ["owner_id"] = "user-1",
            ["owner_email"] = "someone@example.com",
            ["file_name"] = "old.mp4",
            ["status"] = status,
            ["created_at"] = updatedAt,
            ["updated_at"] = updatedAt,
        }, cancellationToken: Cancellation);
        return id;
    }

    private async Task<List<JobId>> RemainingAsync()
    {
        var ids = await _database.GetCollection<BsonDocument>("jobs").Find(FilterDefinition<BsonDocument>.Empty)
            .Sort(new BsonDocument("_id", 1)).Project(new BsonDocument("_id", 1)).ToListAsync(Cancellation);
        return ids.Select(document => JobId.Parse(document["_id"].AsObjectId.ToString())).ToList();
    }

    private Task<long> CountAsync(string collection, string field, ObjectId id) =>
        _database.GetCollection<BsonDocument>(collection).CountDocumentsAsync(new BsonDocument(field, id), cancellationToken: Cancellation);

    public void Dispose() => _host?.Dispose();
}
