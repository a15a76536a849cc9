using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Links;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Jobs;

/// <summary>A job as its owner sees it; what <c>progress</c> says is <see cref="ProgressDescription"/>.</summary>
public sealed record JobView(
    JobId JobId,
    [property: Description("queued, converting, done, failed, expired or deleted.")] string Status,
    [property: Description(JobView.ProgressDescription)] double? Progress,
    string Filename,
    long Size,
    int? Bitrate,
    [property: JsonPropertyName("mp3_fid")] string? Mp3FileId,
    [property: Description("While done: a signed link that downloads the mp3 without a token until the file expires (the mail's link).")] string? DownloadUrl,
    double? DurationSeconds,
    string? Error,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    [property: Description("A stage that failed for a passing reason and waits to be tried again (the conversion while queued or converting, the mail once done or failed); null when nothing waits.")] RetryView? Retry,
    [property: Description("Once done or failed: where the mail about it stands; null before, and while it is on its way with nothing gone wrong.")] MailView? Mail)
{
    public const string ProgressDescription =
        "How far the conversion has come, 0 to 100 with one decimal: rising while converting (at most 99.9, updated " +
        "about once a second, from ffmpeg's count against the source's duration), 100 once done. Null in any other " +
        "status, and while converting when the source's duration is not known (not read yet, or none declared).";
}

public sealed record JobPage(IReadOnlyList<JobView> Items, int Page, int PageSize, long Total);

public static class JobEndpoints
{
    public const int MaxPageSize = 100;

    /// <summary>The last page one may ask for: its offset (a million jobs in) stays far from overflowing an int.</summary>
    public const int MaxPage = 10_000;

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapResourceGroup("/jobs")
            .WithTags(ApiTags.Conversions)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        jobs.MapGet("", ListJobsAsync)
            .WithName("ListJobs")
            .WithSummary("The caller's jobs, newest first, a page at a time.")
            .Produces<JobPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        jobs.MapGet("/{jobId}", GetJobAsync)
            .WithName("GetJob")
            .WithSummary("One of the caller's jobs.")
            .Produces<JobView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapDelete("/{jobId}", DeleteJobAsync)
            .WithName("DeleteJob")
            .WithSummary("Deletes one of the caller's jobs with its files; its links stop working. Idempotent.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapJobEvents();
        return app;
    }

    // A string, not a JobId, so that a malformed id is answered like a missing job (404), not as a binding failure.
    private static async Task<IResult> GetJobAsync(
        string jobId, ClaimsPrincipal user, HttpRequest request, IJobQueries jobs, DownloadLinks links, CancellationToken cancellationToken) =>
        JobId.TryParse(jobId, out var id) && await jobs.FindForOwnerAsync(id, user.GetUserId(), cancellationToken) is { } job
            ? Results.Ok(View(job, request, links))
            : Problems.NotFound("job");

    /// <summary>
    /// <c>DELETE /jobs/{id}</c>: the job reads <c>deleted</c> and its files (video, mp3) are deleted through GridFS, chunks
    /// included; 204, again for a job deleted already (deleting what is gone is done). Someone else's job: 404.
    /// </summary>
    private static async Task<IResult> DeleteJobAsync(
        string jobId, ClaimsPrincipal user, IJobSubmissions submissions, MediaStore media, CancellationToken cancellationToken)
    {
        if (!JobId.TryParse(jobId, out var id) || await submissions.MarkDeletedAsync(id, user.GetUserId(), cancellationToken) is null)
        {
            return Problems.NotFound("job");
        }

        // Marked first: from now on no link opens its mp3, and a converter still at work keeps nothing and tells nobody
        // (it checks the status before storing, and stores only on a status that is not deleted). Then the files go,
        // whether or not the caller waits for the answer; if this fails, deleting again finishes it.
        await media.DeleteFilesOfJobAsync(id, CancellationToken.None);
        return Results.NoContent();
    }

    private static async Task<IResult> ListJobsAsync(
        ClaimsPrincipal user, HttpRequest request, IJobQueries jobs, DownloadLinks links, CancellationToken cancellationToken,
        int page = 1, [FromQuery(Name = "page_size")] int pageSize = 20)
    {
        if (page is < 1 or > MaxPage || pageSize is < 1 or > MaxPageSize)
        {
            return Problems.BadRequest($"page is 1 to {MaxPage}; page_size is 1 to {MaxPageSize}.");
        }

        var (items, total) = await jobs.ListForOwnerAsync(user.GetUserId(), page, pageSize, cancellationToken);
        return Results.Ok(new JobPage(items.Select(job => View(job, request, links)).ToList(), page, pageSize, total));
    }

    /// <summary>The job as its owner sees it; a done job's <c>download_url</c> is a signed link, as the mail's.</summary>
    internal static JobView View(Job job, HttpRequest request, DownloadLinks links) => new(
        job.Id,
        job.Status,
        job.Status switch
        {
            JobStatus.Converting => job.Progress,
            JobStatus.Done => 100,
            _ => null,
        },
        job.FileName,
        job.Size,
        job.Bitrate,
        job.Mp3FileId?.ToString(),
        job.Status == JobStatus.Done && job.Mp3FileId is { } mp3 ? links.For($"{request.Scheme}://{request.Host}", mp3, job.OwnerId) : null,
        job.DurationSeconds,
        job.Error,
        job.CreatedAt,
        job.UpdatedAt,
        RetryView.Of(job),
        MailView.Of(job));
}
