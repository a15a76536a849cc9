using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Storage;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Notification.Tests;

/// <summary>The notification's one write to a job, over a real MongoDB (the stand-in).</summary>
public sealed class NotificationLogTests(MongoServer mongo)
{
    private readonly IMongoDatabase _database = mongo.NewDatabase();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_is_marked_notified_once_and_its_conversion_clock_is_left_alone()
    {
        var services = new ServiceCollection()
            .AddSingleton(_database)
            .AddSingleton<TimeProvider>(_time)
            .AddJobSubmissions()
            .AddNotificationLog()
            .BuildServiceProvider();
        var job = await services.GetRequiredService<IJobSubmissions>().CreateAsync(
            new NewJob(JobIds.New(), "user-1", "someone@example.com", "a.mp4", "video/mp4", 10, ObjectId.GenerateNewId(), null),
            Cancellation);
        var log = services.GetRequiredService<INotificationLog>();

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await log.MarkNotifiedAsync(job.Id, Cancellation));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(await log.MarkNotifiedAsync(job.Id, Cancellation));

        var stored = await _database.GetCollection<BsonDocument>("jobs").Find(new BsonDocument()).SingleAsync(Cancellation);
        Assert.Equal(new DateTime(2026, 11, 30, 12, 5, 0, DateTimeKind.Utc), stored["notified_at"].ToUniversalTime());
        // updated_at is the converter's: the retention sweep fails unfinished jobs by it.
        Assert.Equal(new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc), stored["updated_at"].ToUniversalTime());
        Assert.NotNull((await log.FindAsync(job.Id, Cancellation))?.NotifiedAt);
    }
}
