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
        IOptions<JsonOptions> json, IHostApplicationLifetime lifetime)
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
        var events = Changes(user.GetUserId(), context.Request, jobs, links, json.Value.SerializerOptions, ending.Token);
        return TypedResults.ServerSentEvents(events);
    }

    // Polling MongoDB once a second per open page is cheap next to a conversion; change streams would push instead,
    // but the stand-in used in development and tests has none.
    private static async IAsyncEnumerable<SseItem<string>> Changes(
        string ownerId, HttpRequest request, IJobQueries jobs, DownloadLinks links, JsonSerializerOptions json,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Headers go out with the first event: without this one, a user with no jobs would wait for the keep-alive.
        yield return new SseItem<string>("", "ready");
        var sent = new Dictionary<JobId, string>();
        var lastWrite = DateTime.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<Job> newest;
            try
            {
                (newest, _) = await jobs.ListForOwnerAsync(ownerId, 1, WatchedJobs, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            // Oldest first, so a client that appends sees them in the order they were made.
            foreach (var job in newest.Reverse())
            {
                var data = JsonSerializer.Serialize(JobEndpoints.View(job, request, links), json);
                if (sent.TryGetValue(job.Id, out var previous) && previous == data)
                {
                    continue;
                }

                sent[job.Id] = data;
                lastWrite = DateTime.UtcNow;
                yield return new SseItem<string>(data, "job");
            }

            if (DateTime.UtcNow - lastWrite >= KeepAliveInterval)
            {
                lastWrite = DateTime.UtcNow;
                yield return new SseItem<string>("", "ping");
            }

            try
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }
}
