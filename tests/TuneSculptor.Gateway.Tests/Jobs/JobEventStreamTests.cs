using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Storage;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Gateway.Tests.Jobs;

/// <summary>
/// <c>GET /jobs/events</c> through the gateway in-process, over a real MongoDB (the stand-in): every change of the
/// owner's jobs arrives, whichever service made it (the converter's transitions, the gateway's deletion, a new upload),
/// and each look for changes is one query on the jobs, never a count, counted with the driver's command events.
/// </summary>
public sealed class JobEventStreamTests : IAsyncDisposable
{
    private const string Owner = "user-1";

    /// <summary>JobEventEndpoints' PollInterval: the stream looks no more often than this.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // The stream looks once a second; a change not seen within this long was lost.
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

    private readonly IMongoDatabase _database;
    private readonly SignedInGatewayFactory _gateway;
    private readonly ServiceProvider _stores;
    private readonly List<(JobId Id, string Status)> _shown = [];

    public JobEventStreamTests(MongoServer mongo)
    {
        _database = mongo.NewDatabase();
        _gateway = new SignedInGatewayFactory(mongo.ConnectionString, _database);
        // The other services' writes, as they make them: the converter's (and the gateway's, for jobs created here).
        _stores = new ServiceCollection()
            .AddSingleton(_database).AddSingleton(TimeProvider.System).AddJobSubmissions().AddConversionJobs().AddNotificationLog()
            .BuildServiceProvider();
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IJobSubmissions Submissions => _stores.GetRequiredService<IJobSubmissions>();

    private IConversionJobs Conversions => _stores.GetRequiredService<IConversionJobs>();

    private INotificationLog Notifications => _stores.GetRequiredService<INotificationLog>();

    [Fact]
    public async Task Every_change_arrives_and_each_look_for_changes_is_one_query_without_a_count()
    {
        var first = await CreateJobAsync(Owner);
        var second = await CreateJobAsync(Owner);
        var someoneElses = await CreateJobAsync("user-2");
        using var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.TokenFor(Owner));

        var clock = Stopwatch.StartNew();
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        using var response = await client.GetAsync("/jobs/events", HttpCompletionOption.ResponseHeadersRead, streaming.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Channel.CreateUnbounded<SseItem<string>>();
        var reading = ReadEventsAsync(await response.Content.ReadAsStreamAsync(streaming.Token), events.Writer, streaming.Token);

        Assert.Equal("ready", (await NextAsync(events.Reader)).EventType);
        // The first look: the owner's jobs as they are, oldest first.
        Assert.Equal([(first, "queued"), (second, "queued")], [Describe(await NextAsync(events.Reader)), Describe(await NextAsync(events.Reader))]);

        // Each change is made once the previous one has arrived, so every state must show (none merely overtaken).
        await Conversions.StartConvertingAsync(first, "converter-1", TimeSpan.FromMinutes(1), Cancellation);
        await AssertArrivesAsync(events.Reader, first, "converting");
        await Conversions.ReportProgressAsync(first, 42.5, Cancellation);
        Assert.Equal(42.5, (await AssertArrivesAsync(events.Reader, first, "converting")).GetProperty("progress").GetDouble());
        await Conversions.MarkDoneAsync(first, ObjectId.GenerateNewId(), 60, Cancellation);
        await AssertArrivesAsync(events.Reader, first, "done");
        await Conversions.MarkExpiredAsync(first, Cancellation);
        await AssertArrivesAsync(events.Reader, first, "expired");
        // Another user's change, made before the next one of the owner's, so the stream has looked past it.
        await Conversions.MarkFailedAsync(someoneElses, "not for user-1's eyes", Cancellation);
        using (var deleted = await client.DeleteAsync($"/jobs/{second}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await AssertArrivesAsync(events.Reader, second, "deleted");
        var third = await CreateJobAsync(Owner);
        await AssertArrivesAsync(events.Reader, third, "queued");
        await Conversions.MarkFailedAsync(third, "not a video or audio file", Cancellation);
        await AssertArrivesAsync(events.Reader, third, "failed");

        var commands = _gateway.Commands;
        var elapsed = clock.Elapsed;
        await streaming.CancelAsync();
        await reading;

        Assert.DoesNotContain(_shown, shown => shown.Id == someoneElses);
        var onJobs = commands.Where(c => c.Collection == "jobs" && c.Name is "find" or "count" or "aggregate" or "distinct").ToList();
        Assert.All(onJobs, c => Assert.Equal("find", c.Name));
        // One look at the start (the newest jobs, by creation), then one per tick, each for what changed since.
        Assert.Equal("created_at", onJobs[0].Command["sort"].AsBsonDocument.GetElement(0).Name);
        var looks = onJobs.Skip(1).ToList();
        Assert.All(looks, c =>
        {
            Assert.Equal(Owner, c.Command["filter"]["owner_id"].AsString);
            Assert.Contains("$gte", c.Command["filter"]["changed_at"].AsBsonDocument.Names);
        });
        // A tick waits PollInterval before it looks: no more looks than that allows (plus the one under way).
        var ticksPossible = (int)(elapsed / PollInterval) + 1;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{onJobs.Count} queries on jobs in {elapsed.TotalSeconds:0.0} s: 1 first look, {looks.Count} looks for changes (at most {ticksPossible} ticks)");
        Assert.InRange(looks.Count, 7, ticksPossible);
    }

    [Fact]
    public async Task A_stage_waiting_to_be_retried_and_where_the_mail_stands_arrive_as_they_change_and_show_in_the_api()
    {
        var job = await CreateJobAsync(Owner);
        using var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _gateway.TokenFor(Owner));
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        using var response = await client.GetAsync("/jobs/events", HttpCompletionOption.ResponseHeadersRead, streaming.Token);
        var events = Channel.CreateUnbounded<SseItem<string>>();
        var reading = ReadEventsAsync(await response.Content.ReadAsStreamAsync(streaming.Token), events.Writer, streaming.Token);
        Assert.Equal("ready", (await NextAsync(events.Reader)).EventType);
        var queued = JsonDocument.Parse((await NextAsync(events.Reader)).Data).RootElement;
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("retry").ValueKind);
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("mail").ValueKind);

        // The converter could not reach the store: the job waits for its second attempt.
        var due = DateTime.UtcNow.AddMinutes(2);
        Assert.True(await Conversions.NoteRetryAsync(job, PendingRetry.Of("storage unavailable", 1, due), Cancellation));
        var waiting = await AssertArrivesAsync(events.Reader, job, json => json.GetProperty("retry").ValueKind != JsonValueKind.Null);
        AssertRetry(waiting, "conversion", "storage unavailable", 1, due);
        Assert.Equal("queued", waiting.GetProperty("status").GetString());
        // The same as GET /jobs/{id} and GET /jobs show it.
        var one = await client.GetFromJsonAsync<JsonElement>($"/jobs/{job}", Cancellation);
        Assert.Equal(waiting.GetProperty("retry").ToString(), one.GetProperty("retry").ToString());
        var page = await client.GetFromJsonAsync<JsonElement>("/jobs", Cancellation);
        Assert.Equal(waiting.GetProperty("retry").ToString(), page.GetProperty("items")[0].GetProperty("retry").ToString());

        // Converting again: not waiting any more. Then done, and the mail waits for its mail server.
        await Conversions.StartConvertingAsync(job, "converter-1", TimeSpan.FromMinutes(1), Cancellation);
        var converting = await AssertArrivesAsync(events.Reader, job, "converting");
        Assert.Equal(JsonValueKind.Null, converting.GetProperty("retry").ValueKind);
        await Conversions.MarkDoneAsync(job, ObjectId.GenerateNewId(), 60, Cancellation);
        var done = await AssertArrivesAsync(events.Reader, job, "done");
        Assert.Equal(JsonValueKind.Null, done.GetProperty("mail").ValueKind); // on its way, nothing gone wrong
        Assert.True(await Notifications.NoteMailRetryAsync(job, PendingRetry.Of("mail server unreachable", 3, due), Cancellation));
        var mailWaiting = await AssertArrivesAsync(events.Reader, job, json => json.GetProperty("mail").ValueKind != JsonValueKind.Null);
        AssertRetry(mailWaiting, "mail", "mail server unreachable", 3, due);
        Assert.Equal("waiting", mailWaiting.GetProperty("mail").GetProperty("state").GetString());
        Assert.Equal("mail server unreachable", mailWaiting.GetProperty("mail").GetProperty("reason").GetString());
        Assert.NotNull(mailWaiting.GetProperty("download_url").GetString()); // the job is done meanwhile

        // Its retries over: not sent, and why. Then redriven and sent after all.
        Assert.True(await Notifications.MarkMailFailedAsync(job, "It could not be processed after several attempts.", Cancellation));
        var mailFailed = await AssertArrivesAsync(events.Reader, job, json => json.GetProperty("mail").GetProperty("state").GetString() == "failed");
        Assert.Equal(JsonValueKind.Null, mailFailed.GetProperty("retry").ValueKind);
        Assert.Equal("It could not be processed after several attempts.", mailFailed.GetProperty("mail").GetProperty("reason").GetString());
        Assert.True(await Notifications.MarkNotifiedAsync(job, Cancellation));
        var sent = await AssertArrivesAsync(events.Reader, job, json => json.GetProperty("mail").GetProperty("state").GetString() == "sent");
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("retry").ValueKind);
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("mail").GetProperty("reason").ValueKind);
        Assert.Equal(JsonValueKind.String, sent.GetProperty("mail").GetProperty("sent_at").ValueKind);

        await streaming.CancelAsync();
        await reading;
    }

    private static void AssertRetry(JsonElement job, string stage, string reason, int attempt, DateTime due)
    {
        var retry = job.GetProperty("retry");
        Assert.Equal(stage, retry.GetProperty("stage").GetString());
        Assert.Equal(reason, retry.GetProperty("reason").GetString());
        Assert.Equal(attempt, retry.GetProperty("attempt").GetInt32());
        Assert.Equal(due, retry.GetProperty("next_attempt_at").GetDateTime(), TimeSpan.FromMilliseconds(1));
    }

    private async Task<JobId> CreateJobAsync(string ownerId)
    {
        var job = new NewJob(JobIds.New(), ownerId, $"{ownerId}@example.com", "clip.mp4", "video/mp4", 1234, ObjectId.GenerateNewId(), Bitrate: null);
        return (await Submissions.CreateAsync(job, Cancellation)).Id;
    }

    /// <summary>Reads events until one shows <paramref name="job"/> in <paramref name="status"/>; returns that job.</summary>
    private Task<JsonElement> AssertArrivesAsync(ChannelReader<SseItem<string>> events, JobId job, string status) =>
        AssertArrivesAsync(events, job, json => json.GetProperty("status").GetString() == status);

    /// <summary>Reads events until one shows <paramref name="job"/> as <paramref name="shows"/> says; returns that job.</summary>
    private async Task<JsonElement> AssertArrivesAsync(ChannelReader<SseItem<string>> events, JobId job, Func<JsonElement, bool> shows)
    {
        while (true)
        {
            var item = await NextAsync(events);
            if (item.EventType == "ping")
            {
                continue;
            }

            var shown = Describe(item);
            _shown.Add(shown);
            var json = JsonDocument.Parse(item.Data).RootElement;
            if (shown.Id == job && shows(json))
            {
                return json;
            }
        }
    }

    private static async Task<SseItem<string>> NextAsync(ChannelReader<SseItem<string>> events)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(EventTimeout);
        return await events.ReadAsync(timeout.Token);
    }

    private static (JobId Id, string Status) Describe(SseItem<string> item)
    {
        Assert.Equal("job", item.EventType);
        var job = JsonDocument.Parse(item.Data).RootElement;
        return (JobId.Parse(job.GetProperty("job_id").GetString()!), job.GetProperty("status").GetString()!);
    }

    private static async Task ReadEventsAsync(Stream body, ChannelWriter<SseItem<string>> events, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
            {
                await events.WriteAsync(item, cancellationToken);
            }

            events.Complete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            events.Complete();
        }
        catch (Exception ex)
        {
            events.Complete(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stores.DisposeAsync();
        await _gateway.DisposeAsync();
    }
}
