using System.ComponentModel;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Jobs;

/// <summary>A job as its owner sees it; what <c>progress</c> says is <see cref="ProgressDescription"/>.</summary>
public sealed record JobView(
    JobId JobId,
    [property: Description("queued, converting, done, failed or expired.")] string Status,
    [property: Description(JobView.ProgressDescription)] double? Progress,
    string Filename,
    long Size,
    int? Bitrate,
    [property: JsonPropertyName("mp3_fid")] string? Mp3FileId,
    string? DownloadUrl,
    double? DurationSeconds,
    string? Error,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public const string ProgressDescription =
        "How far the conversion has come, 0 to 100 with one decimal: rising while converting (at most 99.9, updated " +
        "about once a second, from ffmpeg's count against the source's duration), 100 once done. Null in any other " +
        "status, and while converting when the source's duration is not known (not read yet, or none declared).";
}

public sealed record JobPage(IReadOnlyList<JobView> Items, int Page, int PageSize, long Total);

public static class JobEndpoints
{
    private const int MaxPageSize = 100;

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
        jobs.MapJobEvents();
        return app;
    }

    // A string, not a JobId, so that a malformed id is answered like a missing job (404), not as a binding failure.
    private static async Task<IResult> GetJobAsync(string jobId, ClaimsPrincipal user, HttpRequest request, IJobQueries jobs, CancellationToken cancellationToken) =>
        JobId.TryParse(jobId, out var id) && await jobs.FindForOwnerAsync(id, user.GetUserId(), cancellationToken) is { } job
            ? Results.Ok(View(job, request))
            : Problems.NotFound("job");

    private static async Task<IResult> ListJobsAsync(
        ClaimsPrincipal user, HttpRequest request, IJobQueries jobs, CancellationToken cancellationToken,
        int page = 1, [FromQuery(Name = "page_size")] int pageSize = 20)
    {
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return Problems.BadRequest($"page starts at 1; page_size is 1 to {MaxPageSize}.");
        }

        var (items, total) = await jobs.ListForOwnerAsync(user.GetUserId(), page, pageSize, cancellationToken);
        return Results.Ok(new JobPage(items.Select(job => View(job, request)).ToList(), page, pageSize, total));
    }

    internal static JobView View(Job job, HttpRequest request) => new(
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
        job.Status == JobStatus.Done && job.Mp3FileId is { } mp3 ? $"{request.Scheme}://{request.Host}/download?fid={mp3}" : null,
        job.DurationSeconds,
        job.Error,
        job.CreatedAt,
        job.UpdatedAt);
}
