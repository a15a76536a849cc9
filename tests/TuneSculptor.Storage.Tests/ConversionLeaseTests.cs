using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using TuneSculptor.Contracts;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Storage.Tests;

/// <summary>
/// The converters' hold on a job, on the clock the store goes by (a fake one, moved by the tests): a job held by a live
/// converter is not started by another, one whose lease ran out is taken over, and the old holder learns it lost it.
/// </summary>
public sealed class ConversionLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly IServiceProvider _services;

    public ConversionLeaseTests(MongoServer mongo) =>
        _services = new ServiceCollection()
            .AddSingleton(mongo.NewDatabase()).AddSingleton<TimeProvider>(_clock).AddJobSubmissions().AddConversionJobs()
            .BuildServiceProvider();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IConversionJobs Jobs => _services.GetRequiredService<IConversionJobs>();

    [Fact]
    public async Task A_job_held_by_a_live_converter_is_not_started_by_another_while_its_holder_renews()
    {
        var id = await NewJobAsync();
        Assert.True(await Jobs.StartConvertingAsync(id, "converter-a", Lease, Cancellation));

        Assert.False(await Jobs.StartConvertingAsync(id, "converter-b", Lease, Cancellation));
        Assert.False(await Jobs.StartConvertingAsync(id, "converter-a", Lease, Cancellation)); // a duplicate message to the holder itself
        for (var beat = 0; beat < 5; beat++)
        {
            // Heartbeats every 40 s: in all, far longer than one lease.
            _clock.Advance(TimeSpan.FromSeconds(40));
            Assert.True(await Jobs.RenewLeaseAsync(id, "converter-a", Lease, Cancellation));
            Assert.False(await Jobs.StartConvertingAsync(id, "converter-b", Lease, Cancellation));
        }

        var job = (await Jobs.FindAsync(id, Cancellation))!;
        Assert.Equal(("converting", "converter-a"), (job.Status, job.LeaseOwner));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime + Lease, job.LeaseUntil);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_its_old_holder_learns_it_lost_the_job()
    {
        var id = await NewJobAsync();
        Assert.True(await Jobs.StartConvertingAsync(id, "converter-a", Lease, Cancellation));
        await Jobs.ReportProgressAsync(id, 40, Cancellation);

        _clock.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.False(await Jobs.StartConvertingAsync(id, "converter-b", Lease, Cancellation));
        _clock.Advance(TimeSpan.FromMilliseconds(1)); // converter-a died: no heartbeat
        Assert.True(await Jobs.StartConvertingAsync(id, "converter-b", Lease, Cancellation));

        Assert.False(await Jobs.RenewLeaseAsync(id, "converter-a", Lease, Cancellation));
        await Jobs.ReleaseLeaseAsync(id, "converter-a", Cancellation); // a late let-go changes nothing
        var job = (await Jobs.FindAsync(id, Cancellation))!;
        Assert.Equal("converter-b", job.LeaseOwner);
        Assert.Null(job.Progress); // started over
    }

    [Fact]
    public async Task A_lease_let_go_or_finished_frees_the_job_at_once()
    {
        var id = await NewJobAsync();
        Assert.True(await Jobs.StartConvertingAsync(id, "converter-a", Lease, Cancellation));
        await Jobs.ReleaseLeaseAsync(id, "converter-a", Cancellation);
        Assert.True(await Jobs.StartConvertingAsync(id, "converter-b", Lease, Cancellation));

        Assert.True(await Jobs.MarkDoneAsync(id, ObjectId.GenerateNewId(), 60, Cancellation));

        var job = (await Jobs.FindAsync(id, Cancellation))!;
        Assert.Equal(("done", null, null), (job.Status, job.LeaseOwner, job.LeaseUntil));
        Assert.False(await Jobs.StartConvertingAsync(id, "converter-c", Lease, Cancellation));
        Assert.False(await Jobs.RenewLeaseAsync(id, "converter-b", Lease, Cancellation));
    }

    [Fact]
    public async Task A_job_held_by_a_live_converter_is_not_swept_as_abandoned()
    {
        var id = await NewJobAsync();
        Assert.True(await Jobs.StartConvertingAsync(id, "converter-a", Lease, Cancellation));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.True(await Jobs.RenewLeaseAsync(id, "converter-a", Lease, Cancellation));
        var cutoff = _clock.GetUtcNow().UtcDateTime - TimeSpan.FromHours(1);

        Assert.Empty(await Jobs.FindUnfinishedBeforeAsync(cutoff, 10, Cancellation));
        Assert.False(await Jobs.MarkAbandonedAsync(id, cutoff, "abandoned", Cancellation));

        _clock.Advance(Lease);
        Assert.Equal(id, Assert.Single(await Jobs.FindUnfinishedBeforeAsync(cutoff, 10, Cancellation)).Id);
    }

    private async Task<JobId> NewJobAsync()
    {
        var job = new NewJob(JobIds.New(), "user-1", "user-1@example.com", "clip.mp4", "video/mp4", 1234, ObjectId.GenerateNewId(), Bitrate: null);
        return (await _services.GetRequiredService<IJobSubmissions>().CreateAsync(job, Cancellation)).Id;
    }
}
