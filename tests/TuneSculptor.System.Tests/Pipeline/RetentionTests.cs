using System.Net;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>
/// Files are kept for a limited time (24 h by default; seconds here, on a system of its own): then the mp3 and any
/// leftover video are deleted with their chunks, and the job reads <c>expired</c>. A job that never finished by then
/// (its message lost) is failed, and its owner told.
/// </summary>
public sealed class RetentionTests : IAsyncLifetime
{
    // Long enough that no job converting normally, on a busy machine, counts as abandoned.
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly MediaSamples _media = new();
    private HostProcessSystem? _system;
    private GatewayClient? _gateway;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private HostProcessSystem Running => _system!;

    private GatewayClient Gateway => _gateway!;

    public async ValueTask InitializeAsync()
    {
        _system = await HostProcessSystem.StartHealthyAsync(builder => SystemFixture.SetRetention(builder, MaxAge), Cancellation);
        _gateway = new GatewayClient(_system.GetHttpEndpoint("gateway"), mail: _system.GetHttpEndpoint("mail"));
    }

    [Fact]
    public async Task An_mp3_and_a_failed_jobs_video_are_deleted_after_the_retention_age_and_their_jobs_expire()
    {
        var (email, token) = await Gateway.SignUpAsync(Cancellation);
        var converted = await Gateway.UploadForJobAsync(token, await _media.VideoAsync("mp4"), Cancellation);
        var failed = await Gateway.UploadForJobAsync(token, _media.TextFile(), Cancellation);

        var done = await Gateway.WaitForJobAsync(token, converted, Timeout, Cancellation);
        Assert.Equal("done", done.GetProperty("status").GetString());
        var mp3Fid = ObjectId.Parse(done.GetProperty("mp3_fid").GetString());
        using (var download = await Gateway.GetAsync(token, $"/download?fid={mp3Fid}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        }

        var failedJob = await Gateway.WaitForJobAsync(token, failed, Timeout, Cancellation);
        Assert.Equal("failed", failedJob.GetProperty("status").GetString());
        var media = new MongoClient(await Running.App.GetConnectionStringAsync("media", Cancellation)).GetDatabase("media");
        var failedVideo = await media.GetCollection<BsonDocument>("videos.files")
            .Find(new BsonDocument("metadata.owner_email", email))
            .Project(new BsonDocument("_id", 1)).ToListAsync(Cancellation);

        var expired = await Gateway.WaitForJobAsync(token, converted, Timeout, Cancellation, "expired");
        Assert.Equal(JsonValueKind.Null, expired.GetProperty("download_url").ValueKind);
        Assert.Equal("expired", (await Gateway.WaitForJobAsync(token, failed, Timeout, Cancellation, "expired")).GetProperty("status").GetString());

        using (var gone = await Gateway.GetAsync(token, $"/download?fid={mp3Fid}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // Deleted through the buckets: no file document and no orphan chunk is left.
        Assert.Equal(0, await Count(media, "mp3s.files", "_id", mp3Fid));
        Assert.Equal(0, await Count(media, "mp3s.chunks", "files_id", mp3Fid));
        Assert.NotEmpty(failedVideo);
        foreach (var video in failedVideo.Select(v => v["_id"].AsObjectId))
        {
            Assert.Equal(0, await Count(media, "videos.files", "_id", video));
            Assert.Equal(0, await Count(media, "videos.chunks", "files_id", video));
        }
    }

    [Fact]
    public async Task A_job_whose_message_was_lost_is_failed_its_owner_told_and_its_video_deleted()
    {
        var (email, token) = await Gateway.SignUpAsync(Cancellation);
        string? jobId = null;
        await Running.WhileStoppedAsync("converter", async () =>
        {
            jobId = await Gateway.UploadForJobAsync(token, await _media.VideoAsync("mp4"), Cancellation);
            await using var broker = await BrokerQueues.ConnectAsync(Running, Cancellation);
            Assert.Equal(1u, await broker.PurgeAsync("video", Cancellation));
        }, Timeout, Cancellation);
        var media = await MediaDatabase.ConnectAsync(Running, Cancellation);
        Assert.Equal(1, await media.CountVideosOfAsync(email, Cancellation));

        var expired = await Gateway.WaitForJobAsync(token, jobId!, MaxAge + Timeout, Cancellation, "expired");

        Assert.Contains("not converted within 20 seconds", expired.GetProperty("error").GetString());
        using var mailBox = new MailBox(Running.GetHttpEndpoint("mail"));
        var mail = await mailBox.WaitForMailAsync(email, Timeout, Cancellation);
        Assert.Contains("not converted within 20 seconds", mail.Text);
        Assert.Equal(0, await media.CountVideosOfAsync(email, Cancellation));
    }

    private static Task<long> Count(IMongoDatabase media, string collection, string field, ObjectId id) =>
        media.GetCollection<BsonDocument>(collection).CountDocumentsAsync(new BsonDocument(field, id), cancellationToken: Cancellation);

    public async ValueTask DisposeAsync()
    {
        _gateway?.Dispose();
        _media.Dispose();
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}
