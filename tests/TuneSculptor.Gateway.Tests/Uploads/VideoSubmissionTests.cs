using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Uploads;
using TuneSculptor.ServiceDefaults.Telemetry;
using TuneSculptor.Storage;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Gateway.Tests.Uploads;

/// <summary>
/// The upload use case without HTTP: a multipart body in, over a real MongoDB (the stand-in); the queue is the one
/// collaborator replaced, to see what is published and to make publishing fail.
/// </summary>
public sealed class VideoSubmissionTests(MongoServer mongo)
{
    private const long MaxFileSize = 1024 * 1024;

    private static readonly CurrentUser Owner = new("user-42", "someone@example.com");

    private readonly IMongoDatabase _database = mongo.NewDatabase();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_accepted_upload_is_stored_recorded_and_queued_as_the_original_system_stored_them()
    {
        var queue = new RecordingVideoQueue();
        var video = Bytes(300_000);

        var outcome = await Submission(queue).SubmitAsync(
            new MultipartBody().File(video, "../videos/My holiday.mp4").Field("bitrate", " 192 ").ToForm(), Owner, Cancellation);

        var job = Assert.IsType<SubmissionOutcome.Accepted>(outcome).Job;
        var file = Assert.Single(await Documents("videos.files"));
        var stored = Assert.Single(await Documents("jobs"));
        Assert.Equal(ObjectId.Parse(job.Id.ToString()), stored["_id"].AsObjectId);
        Assert.Equal(
            ["_id", "owner_id", "owner_email", "file_name", "content_type", "size", "video_fid", "bitrate", "status", "progress", "mp3_fid",
             "lease_owner", "lease_until", "duration_seconds", "error", "created_at", "updated_at", "changed_at", "notified_at"],
            stored.Names);
        Assert.Equal("user-42", stored["owner_id"]);
        Assert.Equal("someone@example.com", stored["owner_email"]);
        Assert.Equal("My holiday.mp4", stored["file_name"]);
        Assert.Equal("video/mp4", stored["content_type"]);
        Assert.Equal(video.Length, stored["size"].ToInt64());
        Assert.Equal(file["_id"], stored["video_fid"]);
        Assert.Equal(192, stored["bitrate"]);
        Assert.Equal("queued", stored["status"]);
        Assert.All(["progress", "mp3_fid", "lease_owner", "lease_until", "duration_seconds", "error", "notified_at"], name => Assert.Equal(BsonNull.Value, stored[name]));
        Assert.Equal(stored["created_at"], stored["updated_at"]);
        Assert.Equal(stored["created_at"], stored["changed_at"]);

        Assert.Equal(
            new BsonDocument
            {
                ["owner_id"] = "user-42",
                ["owner_email"] = "someone@example.com",
                ["job_id"] = stored["_id"],
                ["original_name"] = "My holiday.mp4",
                ["content_type"] = "video/mp4",
            },
            file["metadata"]);
        Assert.Equal(video, await DownloadVideoAsync(file["_id"].AsObjectId));

        var message = Assert.Single(queue.Published);
        Assert.Equal(
            $$"""{"job_id":"{{job.Id}}","video_fid":"{{file["_id"]}}","username":"someone@example.com","user_id":"user-42","file_name":"My holiday.mp4","bitrate":192}""",
            JsonSerializer.Serialize(message, MessageType.JsonOptions));
    }

    [Fact]
    public async Task The_bitrate_may_come_first_or_not_at_all()
    {
        var queue = new RecordingVideoQueue();

        await Submission(queue).SubmitAsync(new MultipartBody().Field("bitrate", "320").File(Bytes(10)).ToForm(), Owner, Cancellation);
        await Submission(queue).SubmitAsync(new MultipartBody().File(Bytes(10)).ToForm(), Owner, Cancellation);

        Assert.Equal([320, null], queue.Published.Select(m => m.Bitrate));
        Assert.Equal(2, await Count("jobs"));
    }

    [Fact]
    public async Task A_message_the_broker_refuses_leaves_no_job_and_no_video()
    {
        var outcome = await Submission(new RecordingVideoQueue(new TimeoutException("The broker did not confirm the message.")))
            .SubmitAsync(new MultipartBody().File(Bytes(200_000)).ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Unavailable("The job could not be queued."), outcome);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_job_store_that_fails_leaves_no_video()
    {
        var outcome = await Submission(new RecordingVideoQueue(), new FailingJobSubmissions())
            .SubmitAsync(new MultipartBody().File(Bytes(1000)).ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Unavailable("The job store is unreachable."), outcome);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("128k")]
    [InlineData("100")]
    [InlineData("")]
    public async Task A_bitrate_not_offered_is_refused_and_the_video_already_stored_deleted(string bitrate)
    {
        var queue = new RecordingVideoQueue();

        var outcome = await Submission(queue).SubmitAsync(
            new MultipartBody().File(Bytes(100_000)).Field("bitrate", bitrate).ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Invalid("bitrate must be one of 96, 128, 160, 192, 256, 320 (kbps)."), outcome);
        Assert.Empty(queue.Published);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_second_file_is_refused_and_the_first_deleted()
    {
        var outcome = await Submission(new RecordingVideoQueue()).SubmitAsync(
            new MultipartBody().File(Bytes(1000), "a.mp4").File(Bytes(1000), "b.mp4").ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Invalid("Send one file per upload."), outcome);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_second_bitrate_is_refused_and_the_video_deleted()
    {
        var outcome = await Submission(new RecordingVideoQueue()).SubmitAsync(
            new MultipartBody().File(Bytes(1000)).Field("bitrate", "128").Field("bitrate", "320").ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Invalid("Send the bitrate once."), outcome);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_unknown_part_after_the_video_is_refused_and_the_video_deleted()
    {
        var outcome = await Submission(new RecordingVideoQueue()).SubmitAsync(
            new MultipartBody().File(Bytes(100_000)).Field("note", "hello").ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Invalid("Unknown part 'note': send only 'file' and 'bitrate'."), outcome);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_empty_file_is_refused()
    {
        var outcome = await Submission(new RecordingVideoQueue()).SubmitAsync(new MultipartBody().File([]).ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Invalid("The file is empty."), outcome);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_form_without_a_file_is_refused()
    {
        var outcome = await Submission(new RecordingVideoQueue()).SubmitAsync(
            new MultipartBody().Field("bitrate", "128").ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Invalid("No file was sent: put the video in a multipart part named 'file'."), outcome);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_and_its_part_removed()
    {
        var outcome = await Submission(new RecordingVideoQueue()).SubmitAsync(
            new MultipartBody().File(Bytes((int)MaxFileSize + 1)).ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.TooLarge(MaxFileSize), outcome);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_body_that_ends_mid_file_is_refused_and_nothing_kept()
    {
        var body = new MultipartBody().File(Bytes(500_000)).ToBytes();

        var outcome = await Submission(new RecordingVideoQueue()).SubmitAsync(
            MultipartBody.ToForm(InterruptedStream.EndingAt(body, 300_000)), Owner, Cancellation);

        Assert.StartsWith("The upload could not be read: ", Assert.IsType<SubmissionOutcome.Invalid>(outcome).Reason);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_client_gone_after_its_video_was_stored_leaves_nothing()
    {
        // The video is stored in full (the reader has seen the boundary after it), then the client goes while the
        // end of the form is arriving.
        var body = new MultipartBody().File(Bytes(100_000)).Field("bitrate", "128").ToBytes();
        using var clientGone = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var stream = new InterruptedStream(body, body.Length - 5, () =>
        {
            clientGone.Cancel();
            return new OperationCanceledException(clientGone.Token);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Submission(new RecordingVideoQueue()).SubmitAsync(MultipartBody.ToForm(stream), Owner, clientGone.Token));

        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_unreachable_file_store_is_reported_as_such()
    {
        // Nothing listens on port 1: the driver gives up after the server selection timeout.
        var unreachable = new MongoClient("mongodb://127.0.0.1:1/?directConnection=true&serverSelectionTimeoutMS=300").GetDatabase("media");

        var outcome = await Submission(new RecordingVideoQueue(), database: unreachable)
            .SubmitAsync(new MultipartBody().File(Bytes(1000)).ToForm(), Owner, Cancellation);

        Assert.Equal(new SubmissionOutcome.Unavailable("The file store is unreachable."), outcome);
    }

    private VideoSubmission Submission(IVideoQueue queue, IJobSubmissions? jobs = null, IMongoDatabase? database = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { ApplicationName = "gateway-tests" })
            .AddSingleton<ServiceTelemetry>()
            .AddSingleton<UploadTelemetry>()
            .AddSingleton(database ?? _database)
            .AddSingleton(TimeProvider.System)
            .AddSingleton<MediaStore>()
            .AddJobSubmissions()
            .AddSingleton(queue)
            .AddSingleton<VideoSubmission>()
            .Configure<UploadOptions>(options => options.MaxFileSize = MaxFileSize);
        if (jobs is not null)
        {
            services.AddSingleton(jobs);
        }

        return services.BuildServiceProvider().GetRequiredService<VideoSubmission>();
    }

    private static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private async Task<List<BsonDocument>> Documents(string collection) =>
        await _database.GetCollection<BsonDocument>(collection).Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Cancellation);

    private Task<long> Count(string collection) =>
        _database.GetCollection<BsonDocument>(collection).CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Cancellation);

    private async Task<byte[]> DownloadVideoAsync(ObjectId id) =>
        await new MongoDB.Driver.GridFS.GridFSBucket(_database, new() { BucketName = "videos" }).DownloadAsBytesAsync(id, cancellationToken: Cancellation);

    private async Task AssertNothingStoredAsync()
    {
        foreach (var collection in new[] { "jobs", "videos.files", "videos.chunks" })
        {
            Assert.True(await Count(collection) == 0, $"{collection} is not empty");
        }
    }

    /// <summary>A job store whose insert fails as a MongoDB gone between two requests does.</summary>
    private sealed class FailingJobSubmissions : IJobSubmissions
    {
        public Task<Job> CreateAsync(NewJob job, CancellationToken cancellationToken) =>
            throw new TimeoutException("A timeout occurred after 5000ms selecting a server.");

        public Task DeleteAsync(JobId id, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<Job?> MarkDeletedAsync(JobId id, string ownerId, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Uploads never mark a job deleted.");
    }
}
