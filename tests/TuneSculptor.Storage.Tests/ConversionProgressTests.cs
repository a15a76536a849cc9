using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Storage.Tests;

/// <summary>A job's progress only rises, only while it converts, and starts over when a redelivery converts it again.</summary>
public sealed class ConversionProgressTests(MongoServer mongo)
{
    private readonly IServiceProvider _services = new ServiceCollection()
        .AddSingleton(mongo.NewDatabase()).AddSingleton(TimeProvider.System).AddJobSubmissions().AddConversionJobs()
        .BuildServiceProvider();

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IConversionJobs Jobs => _services.GetRequiredService<IConversionJobs>();

    [Fact]
    public async Task Progress_rises_while_converting_never_moves_back_and_is_100_once_done()
    {
        var id = await NewJobAsync();

        await Jobs.ReportProgressAsync(id, 10, Cancellation); // still queued: not converting yet
        Assert.Null(await ProgressAsync(id));

        await Jobs.StartConvertingAsync(id, "converter-1", Lease, Cancellation);
        await Jobs.ReportProgressAsync(id, 10, Cancellation);
        await Jobs.ReportProgressAsync(id, 5.5, Cancellation);
        Assert.Equal(10, await ProgressAsync(id));
        await Jobs.ReportProgressAsync(id, 42.5, Cancellation);
        Assert.Equal(42.5, await ProgressAsync(id));

        await Jobs.MarkDoneAsync(id, ObjectId.GenerateNewId(), 60, Cancellation);
        await Jobs.ReportProgressAsync(id, 50, Cancellation); // a late write from the finished run
        Assert.Equal(100, await ProgressAsync(id));
    }

    [Fact]
    public async Task A_redelivered_job_converting_again_starts_its_progress_over()
    {
        var id = await NewJobAsync();
        await Jobs.StartConvertingAsync(id, "converter-1", Lease, Cancellation);
        await Jobs.ReportProgressAsync(id, 80, Cancellation);
        await Jobs.ReleaseLeaseAsync(id, "converter-1", Cancellation); // stopped: handed back

        Assert.True(await Jobs.StartConvertingAsync(id, "converter-2", Lease, Cancellation));

        Assert.Null(await ProgressAsync(id));
        await Jobs.ReportProgressAsync(id, 3, Cancellation);
        Assert.Equal(3, await ProgressAsync(id));
    }

    private async Task<JobId> NewJobAsync()
    {
        var job = new NewJob(JobIds.New(), "user-1", "user-1@example.com", "clip.mp4", "video/mp4", 1234, ObjectId.GenerateNewId(), Bitrate: null);
        return (await _services.GetRequiredService<IJobSubmissions>().CreateAsync(job, Cancellation)).Id;
    }

    private async Task<double?> ProgressAsync(JobId id) => (await Jobs.FindAsync(id, Cancellation))!.Progress;
}
