using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Contracts.Telemetry;
using TuneSculptor.ServiceDefaults.Telemetry;
using TuneSculptor.Converter.Conversion;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// A whole job through the converter's handler (the Mongo stand-in, a real broker, the machine's ffmpeg): ffmpeg reads
/// the video from GridFS through loopback and the job says so; when the loopback source cannot start, the job copies
/// the video to scratch space instead, and says why; a store failing mid-read leaves the job to be retried.
/// </summary>
public sealed class ConvertVideoInputTests(MongoServer mongo, RabbitMQBroker broker)
    : IClassFixture<MongoServer>, IClassFixture<RabbitMQBroker>, IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("convert-video-input-");
    private readonly IMongoDatabase _database = mongo.NewDatabase();
    private readonly FakeLoggerProvider _logs = new();
    private readonly TcpListener _takenPort = new(IPAddress.Loopback, 0);
    private IHost? _host;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_job_reads_its_video_through_loopback_and_converts()
    {
        var uploaded = await SubmitAsync("clip.mp4", "-c:v mpeg4 -c:a aac");

        await Converter().Services.GetRequiredService<ConvertVideo>().HandleAsync(uploaded, Cancellation);

        var job = await JobAsync(uploaded.JobId);
        Assert.Equal(JobStatus.Done, job.Status);
        Assert.InRange(job.DurationSeconds ?? 0, 5.5, 6.5);
        Assert.Contains($"Job {uploaded.JobId}: ffmpeg reads the video from GridFS through loopback", Messages());
        Assert.DoesNotContain(Messages(), message => message.Contains("scratch copy"));
    }

    [Fact]
    public async Task A_job_copies_its_video_to_scratch_space_when_the_loopback_source_cannot_start()
    {
        _takenPort.Start();
        var converter = Converter(("Converter:VideoSourcePort", ((IPEndPoint)_takenPort.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)));
        var uploaded = await SubmitAsync("clip.mkv", "-c:v mpeg4 -c:a libopus");

        await converter.Services.GetRequiredService<ConvertVideo>().HandleAsync(uploaded, Cancellation);

        var job = await JobAsync(uploaded.JobId);
        Assert.Equal(JobStatus.Done, job.Status);
        Assert.InRange(job.DurationSeconds ?? 0, 5.5, 6.5);
        var warning = Assert.Single(_logs.Collector.GetSnapshot(), entry => entry.Level == LogLevel.Warning);
        Assert.Equal($"Job {uploaded.JobId}: the loopback video source could not be started; the job copies its video to scratch space instead", warning.Message);
        Assert.IsAssignableFrom<IOException>(warning.Exception);
        Assert.Contains($"Job {uploaded.JobId}: ffmpeg reads the video from a scratch copy", Messages());
    }

    [Fact]
    public async Task A_store_failing_mid_read_leaves_the_job_to_be_retried_not_failed()
    {
        var uploaded = await SubmitAsync("clip.mkv", "-c:v mpeg4 -b:v 2M -c:a libopus", TimeSpan.FromSeconds(20), "testsrc2=size=640x360:rate=25");
        var chunks = _database.GetCollection<BsonDocument>("videos.chunks");
        await chunks.DeleteManyAsync(new BsonDocument { ["files_id"] = ObjectId.Parse(uploaded.VideoFileId), ["n"] = new BsonDocument("$gte", 4) }, Cancellation);

        var failure = await Assert.ThrowsAsync<VideoReadException>(() =>
            Converter().Services.GetRequiredService<ConvertVideo>().HandleAsync(uploaded, Cancellation));

        Assert.Equal(StorageFailures.Unavailable, ConversionFailureReasons.Describe(failure));
        var job = await JobAsync(uploaded.JobId);
        Assert.Equal(JobStatus.Converting, job.Status);
        Assert.Null(job.LeaseOwner);
    }

    [Fact]
    public async Task A_video_gone_from_the_store_fails_the_job_for_good_with_that_reason()
    {
        var uploaded = await SubmitAsync("clip.mkv", "-c:v mpeg4 -c:a libopus");
        await new MediaStore(_database).DeleteVideoAsync(ObjectId.Parse(uploaded.VideoFileId), Cancellation);

        var failure = await Assert.ThrowsAsync<PermanentFailureException>(() =>
            Converter().Services.GetRequiredService<ConvertVideo>().HandleAsync(uploaded, Cancellation));

        Assert.Equal("The uploaded video is no longer stored.", failure.Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
        }

        _takenPort.Dispose();
        _logs.Dispose();
        _folder.Delete(recursive: true);
    }

    private IReadOnlyList<string> Messages() => [.. _logs.Collector.GetSnapshot().Select(entry => entry.Message)];

    private async Task<Job> JobAsync(JobId id) =>
        await Converter().Services.GetRequiredService<IConversionJobs>().FindAsync(id, Cancellation) ?? throw new InvalidOperationException($"No job {id}.");

    /// <summary>A video stored and its job recorded, as the gateway does, and the message it publishes.</summary>
    private async Task<VideoUploaded> SubmitAsync(
        string name, string codecs, TimeSpan? length = null, string picture = "testsrc=size=160x120:rate=10")
    {
        var video = await MediaFixtures.VideoAsync(_folder.FullName, name, length ?? TimeSpan.FromSeconds(6), codecs, picture);
        var jobId = JobIds.New();
        await using var content = File.OpenRead(video);
        var stored = await new MediaStore(_database).StoreVideoAsync(content, name, new VideoMetadata
        {
            OwnerId = "user-1",
            OwnerEmail = "someone@example.com",
            JobId = jobId,
            OriginalName = name,
            ContentType = "video/mp4",
        }, long.MaxValue, Cancellation);
        var services = Converter().Services;
        await services.GetRequiredService<IJobSubmissions>().CreateAsync(
            new NewJob(jobId, "user-1", "someone@example.com", name, "video/mp4", stored.Length, stored.Id, Bitrate: null), Cancellation);
        return new VideoUploaded(jobId, stored.Id.ToString(), "someone@example.com", "user-1", name, Bitrate: null);
    }

    /// <summary>
    /// The converter's conversion services, as its Program.cs composes them, on this test's database and broker: made
    /// once per test, with the settings of its first call.
    /// </summary>
    private IHost Converter(params (string Key, string Value)[] settings)
    {
        if (_host is not null)
        {
            return _host;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = broker.ConnectionString,
            ["Converter:ScratchFolder"] = Path.Combine(_folder.FullName, "scratch"),
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)));
        builder.Logging.ClearProviders().AddProvider(_logs);
        builder.AddRabbitMQMessaging("rabbitmq");
        builder.AddConversion();
        builder.Services.AddSingleton(_database).AddSingleton<MediaStore>().AddSingleton<ServiceTelemetry>()
            .AddJobSubmissions().AddConversionJobs().AddSingleton<ConvertVideo>();
        return _host = builder.Build();
    }
}
