using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Storage.Tests;

/// <summary>
/// The per-user limits' stores over a real MongoDB (the stand-in): slots are taken only while there is room, come back
/// when released or when their lease runs out unrenewed (a gateway killed mid-upload), and usage is counted from
/// what is stored.
/// </summary>
public sealed class UserLimitStoresTests(MongoServer mongo)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly IMongoDatabase _database = mongo.NewDatabase();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private ServiceProvider? _services;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private ServiceProvider Services => _services ??= new ServiceCollection().AddSingleton(_database).AddSingleton<TimeProvider>(_time)
        .AddJobSubmissions().AddUserLimitStores().BuildServiceProvider();

    private UserReservations Reservations => Services.GetRequiredService<UserReservations>();

    private UserUsage Usage => Services.GetRequiredService<UserUsage>();

    [Fact]
    public async Task Slots_are_taken_up_to_the_limit_per_user_and_kind_and_come_back_when_released()
    {
        var first = await Reservations.TryReserveAsync("user-1", ReservationKind.Upload, 2, 1000, Lifetime, Cancellation);
        var second = await Reservations.TryReserveAsync("user-1", ReservationKind.Upload, 2, 500, Lifetime, Cancellation);
        var third = await Reservations.TryReserveAsync("user-1", ReservationKind.Upload, 2, 0, Lifetime, Cancellation);

        Assert.NotNull(first);
        Assert.Equal((0, 0L), (first.Others, first.OthersBytes));
        Assert.NotNull(second);
        Assert.Equal((1, 1000L), (second.Others, second.OthersBytes));
        Assert.Null(third);
        // Another kind and another user have slots of their own.
        Assert.NotNull(await Reservations.TryReserveAsync("user-1", ReservationKind.EventStream, 1, 0, Lifetime, Cancellation));
        Assert.NotNull(await Reservations.TryReserveAsync("user-2", ReservationKind.Upload, 1, 0, Lifetime, Cancellation));

        await Reservations.ReleaseAsync(first, Cancellation);
        var again = await Reservations.TryReserveAsync("user-1", ReservationKind.Upload, 2, 0, Lifetime, Cancellation);
        Assert.NotNull(again);
        Assert.Equal((1, 500L), (again.Others, again.OthersBytes));
        Assert.Single(await _database.GetCollection<BsonDocument>("user_reservations").Find(Builders<BsonDocument>.Filter.Eq("owner_id", "user-1")).ToListAsync(Cancellation));
    }

    [Fact]
    public async Task A_slot_left_unrenewed_expires_and_a_renewed_one_does_not()
    {
        var abandoned = await Reservations.TryReserveAsync("user-1", ReservationKind.EventStream, 2, 0, Lifetime, Cancellation);
        var kept = await Reservations.TryReserveAsync("user-1", ReservationKind.EventStream, 2, 0, Lifetime, Cancellation);
        Assert.Null(await Reservations.TryReserveAsync("user-1", ReservationKind.EventStream, 2, 0, Lifetime, Cancellation));

        _time.Advance(Lifetime / 2);
        Assert.True(await Reservations.RenewAsync(kept!, Lifetime, Cancellation));
        _time.Advance(Lifetime / 2 + TimeSpan.FromSeconds(1));

        Assert.NotNull(await Reservations.TryReserveAsync("user-1", ReservationKind.EventStream, 2, 0, Lifetime, Cancellation));
        Assert.Null(await Reservations.TryReserveAsync("user-1", ReservationKind.EventStream, 2, 0, Lifetime, Cancellation));
        Assert.False(await Reservations.RenewAsync(abandoned!, Lifetime, Cancellation));
        Assert.True(await Reservations.RenewAsync(kept!, Lifetime, Cancellation));
    }

    [Fact]
    public async Task Parallel_reservations_never_exceed_the_limit()
    {
        var taken = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Reservations.TryReserveAsync("user-1", ReservationKind.Upload, 3, 0, Lifetime, Cancellation)));

        Assert.Equal(3, taken.Count(r => r is not null));
    }

    [Fact]
    public async Task Usage_is_the_bytes_of_the_owners_files_and_their_unfinished_jobs()
    {
        var media = new MediaStore(_database);
        var jobs = Services.GetRequiredService<IJobSubmissions>();
        var conversions = new ServiceCollection().AddSingleton(_database).AddSingleton(TimeProvider.System).AddConversionJobs()
            .BuildServiceProvider().GetRequiredService<IConversionJobs>();
        var video = await media.StoreVideoAsync(new MemoryStream(new byte[300_000]), "a.mp4", Video("user-1"), long.MaxValue, Cancellation);
        await media.StoreVideoAsync(new MemoryStream(new byte[70_000]), "b.mp4", Video("user-2"), long.MaxValue, Cancellation);
        var mp3 = Path.GetTempFileName();
        await File.WriteAllBytesAsync(mp3, new byte[12_345], Cancellation);
        await media.StoreMp3Async(mp3, "a.mp3", new Mp3Metadata { OwnerId = "user-1", JobId = null, OriginalName = null, DurationSeconds = 1, Bitrate = null }, Cancellation);
        File.Delete(mp3);
        var queued = JobIds.New();
        var converting = JobIds.New();
        var done = JobIds.New();
        foreach (var id in new[] { queued, converting, done })
        {
            await jobs.CreateAsync(new NewJob(id, "user-1", "a@example.com", "a.mp4", "video/mp4", 1, video.Id, null), Cancellation);
        }

        await conversions.StartConvertingAsync(converting, "converter-1", TimeSpan.FromMinutes(1), Cancellation);
        await conversions.StartConvertingAsync(done, "converter-1", TimeSpan.FromMinutes(1), Cancellation);
        await conversions.MarkDoneAsync(done, ObjectId.GenerateNewId(), 1, Cancellation);

        Assert.Equal(312_345, await Usage.StoredBytesAsync("user-1", Cancellation));
        Assert.Equal(0, await Usage.StoredBytesAsync("user-3", Cancellation));
        Assert.Equal(2, await Usage.ActiveJobsAsync("user-1", Cancellation));

        await media.DeleteVideoAsync(video.Id, Cancellation);
        await jobs.MarkDeletedAsync(queued, "user-1", Cancellation);
        Assert.Equal(12_345, await Usage.StoredBytesAsync("user-1", Cancellation));
        Assert.Equal(1, await Usage.ActiveJobsAsync("user-1", Cancellation));
    }

    private static VideoMetadata Video(string owner) =>
        new() { OwnerId = owner, OwnerEmail = "a@example.com", JobId = null, OriginalName = "a.mp4", ContentType = "video/mp4" };
}
