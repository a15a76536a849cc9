using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Storage.Tests;

/// <summary>Creating a job twice is a clear outcome, never a second job or an overwritten one.</summary>
public sealed class JobSubmissionsTests(MongoServer mongo)
{
    private readonly IMongoDatabase _database = mongo.NewDatabase();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_submission_stored_twice_is_one_job_the_first()
    {
        var submissions = Submissions();
        var job = NewJob(JobIds.New());

        var first = await submissions.CreateAsync(job, Cancellation);
        var again = await submissions.CreateAsync(job, Cancellation);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.CreatedAt, again.CreatedAt);
        Assert.Equal(1, await Jobs().CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Another_submission_under_a_used_id_is_refused_and_the_stored_job_kept()
    {
        var submissions = Submissions();
        var id = JobIds.New();
        await submissions.CreateAsync(NewJob(id), Cancellation);

        var clash = await Assert.ThrowsAsync<InvalidOperationException>(() => submissions.CreateAsync(NewJob(id) with { OwnerId = "someone-else" }, Cancellation));

        Assert.Contains(id.ToString(), clash.Message);
        var stored = Assert.Single(await Jobs().Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Cancellation));
        Assert.Equal("user-1", stored["owner_id"]);
    }

    private IJobSubmissions Submissions() =>
        new ServiceCollection().AddSingleton(_database).AddSingleton(TimeProvider.System).AddJobSubmissions()
            .BuildServiceProvider().GetRequiredService<IJobSubmissions>();

    private IMongoCollection<BsonDocument> Jobs() => _database.GetCollection<BsonDocument>("jobs");

    private static NewJob NewJob(JobId id) =>
        new(id, "user-1", "user-1@example.com", "clip.mp4", "video/mp4", 1234, ObjectId.GenerateNewId(), Bitrate: null);
}
