using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Storage.Tests;

/// <summary>
/// The indexes the queries and GridFS need exist because the code creates them, not because a server is lenient
/// (the stand-in answers unindexed queries and does not enforce unique secondary indexes).
/// </summary>
public sealed class StorageIndexesTests(MongoServer mongo)
{
    private readonly IMongoDatabase _database = mongo.NewDatabase();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_query_and_GridFS_chunk_has_its_index_and_creating_them_again_changes_nothing()
    {
        await StorageIndexes.CreateAsync(_database, Cancellation);
        var first = await AllIndexesAsync();
        await StorageIndexes.CreateAsync(_database, Cancellation);

        Assert.Equal(first, await AllIndexesAsync());
        Assert.Equal(
            [
                "jobs { mp3_fid: 1 }",
                "jobs { owner_id: 1, changed_at: 1 }",
                "jobs { owner_id: 1, created_at: -1, _id: -1 }",
                "jobs { owner_id: 1, status: 1 }",
                "jobs { status: 1, changed_at: 1 }",
                "jobs { status: 1, updated_at: 1 }",
            ],
            first.Where(index => index.StartsWith("jobs ", StringComparison.Ordinal)));
        foreach (var bucket in new[] { "videos", "mp3s" })
        {
            Assert.Contains($"{bucket}.files {{ uploadDate: 1 }}", first);
            Assert.Contains($"{bucket}.files {{ filename: 1, uploadDate: 1 }}", first);
            Assert.Contains($"{bucket}.files {{ metadata.job_id: 1 }}", first);
            Assert.Contains($"{bucket}.files {{ metadata.owner_id: 1, length: 1 }}", first);
            Assert.Contains($"{bucket}.chunks {{ files_id: 1, n: 1 }} unique", first);
        }
    }

    [Fact]
    public async Task The_event_streams_look_for_changes_is_answered_from_its_index()
    {
        await StorageIndexes.CreateAsync(_database, Cancellation);
        var jobs = new ServiceCollection().AddSingleton(_database).AddSingleton(TimeProvider.System).AddJobSubmissions().BuildServiceProvider()
            .GetRequiredService<IJobSubmissions>();
        for (var i = 0; i < 50; i++)
        {
            await jobs.CreateAsync(new NewJob(JobIds.New(), $"user-{i % 5}", "someone@example.com", "clip.mp4", "video/mp4", 1, ObjectId.GenerateNewId(), null), Cancellation);
        }

        // The query as JobQueries.ChangedForOwnerAsync sends it.
        var explain = new BsonDocument
        {
            ["explain"] = new BsonDocument
            {
                ["find"] = "jobs",
                ["filter"] = new BsonDocument { ["owner_id"] = "user-1", ["changed_at"] = new BsonDocument("$gte", DateTime.UtcNow.AddMinutes(-1)) },
                ["sort"] = new BsonDocument("changed_at", 1),
            },
            ["verbosity"] = "queryPlanner",
        };
        BsonDocument plan;
        try
        {
            plan = await _database.RunCommandAsync<BsonDocument>(explain, cancellationToken: Cancellation);
        }
        catch (MongoCommandException ex) when (ex.Code == 59)
        {
            // CommandNotFound: the stand-in has no query planner to ask (it scans; see tools/mongo-standin). A real
            // MongoDB (TUNESCULPTOR_TEST_MONGODB) answers, and then the plan must use the index without sorting.
            Assert.Skip($"The server has no explain: {ex.Message}");
            return;
        }

        var winning = plan["queryPlanner"]["winningPlan"].ToJson();
        Assert.Contains("\"IXSCAN\"", winning);
        Assert.Contains("owner_id_1_changed_at_1", winning);
        Assert.DoesNotContain("\"SORT\"", winning);
    }

    [Fact]
    public async Task A_bucket_whose_indexes_the_driver_created_on_a_first_upload_takes_ours_without_conflict()
    {
        var bucket = new GridFSBucket(_database, new GridFSBucketOptions { BucketName = "videos" });
        await bucket.UploadFromBytesAsync("first.mp4", [1, 2, 3], cancellationToken: Cancellation);

        await StorageIndexes.CreateAsync(_database, Cancellation);

        Assert.Contains("videos.chunks { files_id: 1, n: 1 } unique", await AllIndexesAsync());
    }

    [Fact]
    public async Task A_service_creates_them_at_start_and_reports_healthy_once_they_exist()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:media"] = new MongoUrlBuilder(mongo.ConnectionString) { DatabaseName = _database.DatabaseNamespace.DatabaseName }.ToString(),
        });
        builder.AddMongoDatabase("media");
        using var host = builder.Build();
        await host.StartAsync(Cancellation);

        var health = host.Services.GetRequiredService<HealthCheckService>();
        HealthReport report;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((report = await health.CheckHealthAsync(Cancellation)).Status != HealthStatus.Healthy && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Cancellation);
        }

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains("jobs { owner_id: 1, created_at: -1, _id: -1 }", await AllIndexesAsync());
        await host.StopAsync(Cancellation);
    }

    /// <summary>Each index other than <c>_id</c>'s, as "collection { keys }[ unique]", in a stable order.</summary>
    private async Task<IReadOnlyList<string>> AllIndexesAsync()
    {
        var all = new List<string>();
        foreach (var collection in new[] { "jobs", "videos.files", "videos.chunks", "mp3s.files", "mp3s.chunks" })
        {
            using var cursor = await _database.GetCollection<BsonDocument>(collection).Indexes.ListAsync(Cancellation);
            foreach (var index in await cursor.ToListAsync(Cancellation))
            {
                var keys = index["key"].AsBsonDocument;
                if (keys.Names.SequenceEqual(["_id"]))
                {
                    continue;
                }

                var unique = index.TryGetValue("unique", out var value) && value.ToBoolean() ? " unique" : "";
                all.Add($"{collection} {{ {string.Join(", ", keys.Select(k => $"{k.Name}: {k.Value.ToInt32()}"))} }}{unique}");
            }
        }

        all.Sort(StringComparer.Ordinal);
        return all;
    }
}
