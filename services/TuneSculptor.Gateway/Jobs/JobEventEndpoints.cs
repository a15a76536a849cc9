using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Gateway.Limits;
using TuneSculptor.Links;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Jobs;

public static class JobEventEndpoints
{
    /// <summary>How many of the newest jobs are watched: the page shows as many.</summary>
    public const int WatchedJobs = 20;

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // A comment line now and then lets a client (and any proxy) tell a quiet stream from a dead one.
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    // How far a job's changed_at may lag behind the moment the change can be read: the writer's clock against the
    // gateway's (the services may run on different machines), and the time from reading the clock to the write landing.
    // Each look reads again what changed this long before the previous look began; what it has already sent unchanged
    // is not sent again, so the overlap costs a re-read of the few jobs changed lately, never a repeated event.
    private static readonly TimeSpan ChangeOverlap = TimeSpan.FromSeconds(30);

    /// <summary>Maps <c>events</c> into the <c>/jobs</c> group.</summary>
    public static RouteGroupBuilder MapJobEvents(this RouteGroupBuilder jobs)
    {
        // Bearer-authenticated like the rest of the API: the page reads the stream with fetch, which can send the
        // Authorization header (EventSource cannot), so no cookie or URL ticket is needed.
        jobs.MapGet("/events", StreamJobEventsAsync)
            .WithName("StreamJobEvents")
            .WithSummary("The caller's newest jobs as server-sent events, each again whenever it changes.")
            .WithDescription(
                "Events: `ready` first; `job` with the job as GET /jobs/{jobId} shows it, for each of the caller's " +
                $"{WatchedJobs} newest jobs at once and then whenever one changes; `ping` when quiet. Ends when the token expires.")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return jobs;
    }

    /// <summary>
    /// <c>GET /jobs/events</c>: server-sent events, one <c>job</c> event (the job as <c>GET /jobs/{id}</c> shows it)
    /// for each of the caller's newest jobs at once, then one each time one of them changes; <c>ready</c> first and
    /// <c>ping</c> when quiet.
    /// </summary>
    private static async Task<IResult> StreamJobEventsAsync(
        ClaimsPrincipal user, HttpContext context, IJobQueries jobs, DownloadLinks links, UserLimits userLimits,
        IOptions<JsonOptions> json, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        // A slot per open stream, across every gateway replica, given back when the response ends (the client left,
        // the gateway stops, the token expired).
        var (lease, refusal) = await userLimits.AdmitEventStreamAsync(user.GetUserId(), context.RequestAborted);
        if (lease is null)
        {
            return refusal!;
        }

        context.Response.RegisterForDisposeAsync(lease);

        // Ends when the client goes away, when the gateway stops (an open stream must not hold up shutdown) and when
        // the token expires (the stream must not outlive the right to read it).
        var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        if (long.TryParse(user.FindFirstValue("exp"), out var expires))
        {
            ending.CancelAfter(TimeSpan.FromSeconds(Math.Max(0, expires - DateTimeOffset.UtcNow.ToUnixTimeSeconds())));
        }

        context.Response.RegisterForDispose(ending);
        // Tells nginx (the Kubernetes ingress) not to buffer the stream.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        var events = Changes(user.GetUserId(), context.Request, jobs, links, json.Value.SerializerOptions, time, ending.Token);
        return TypedResults.ServerSentEvents(events);
    }

    // Polling MongoDB once a second per open page is cheap next to a conversion, as long as each look is one indexed
    // query for what changed (no count, no sort of all the owner's jobs); change streams would push instead, but the
    // stand-in used in development and tests has none.
    private static async IAsyncEnumerable<SseItem<string>> Changes(
        string ownerId, HttpRequest request, IJobQueries jobs, DownloadLinks links, JsonSerializerOptions json, TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Headers go out with the first event: without this one, a user with no jobs would wait for the keep-alive.
        yield return new SseItem<string>("", "ready");

        // The first look, as ever: the newest jobs, oldest first, so a client that appends sees them in the order they
        // were made. Jobs made before the oldest of them are not watched (the page shows the newest only).
        var lookedAt = time.GetUtcNow().UtcDateTime;
        var found = await UnlessEnded(() => jobs.NewestForOwnerAsync(ownerId, WatchedJobs, cancellationToken), cancellationToken);
        if (found is null)
        {
            yield break;
        }

        DateTime? createdFrom = found.Count == WatchedJobs ? found[^1].CreatedAt : null;
        found = found.Reverse().ToList();

        // What was last sent of each job that a next look may return again unchanged (see ChangeOverlap).
        var sent = new Dictionary<JobId, SentJob>();
        var lastWrite = time.GetUtcNow();
        while (true)
        {
            foreach (var job in found)
            {
                var data = JsonSerializer.Serialize(JobEndpoints.View(job, request, links), json);
                if (sent.TryGetValue(job.Id, out var previous) && previous.Data == data)
                {
                    continue;
                }

                sent[job.Id] = new SentJob(data, job.ChangedAt);
                lastWrite = time.GetUtcNow();
                yield return new SseItem<string>(data, "job");
            }

            var since = lookedAt - ChangeOverlap;
            foreach (var id in sent.Where(entry => !(entry.Value.ChangedAt >= since)).Select(entry => entry.Key).ToList())
            {
                // The next look cannot return it unless it changes again (then as it is then).
                sent.Remove(id);
            }

            if (time.GetUtcNow() - lastWrite >= KeepAliveInterval)
            {
                lastWrite = time.GetUtcNow();
                yield return new SseItem<string>("", "ping");
            }

            try
            {
                await Task.Delay(PollInterval, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            lookedAt = time.GetUtcNow().UtcDateTime;
            found = await UnlessEnded(() => jobs.ChangedForOwnerAsync(ownerId, since, createdFrom, cancellationToken), cancellationToken);
            if (found is null)
            {
                yield break;
            }
        }
    }

    /// <summary>The query's result, or null when the stream has ended meanwhile.</summary>
    private static async Task<IReadOnlyList<Job>?> UnlessEnded(Func<Task<IReadOnlyList<Job>>> query, CancellationToken cancellationToken)
    {
        try
        {
            return await query();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private sealed record SentJob(string Data, DateTime? ChangedAt);
}
