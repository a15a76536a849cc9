using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Gateway.Limits;

namespace TuneSculptor.Gateway.Uploads;

public static class UploadEndpoints
{
    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapResourceGroup("/upload").MapPost("", UploadAsync)
            .WithName("UploadVideo")
            .WithTags(ApiTags.Conversions)
            .WithSummary("Upload a video to convert; its job is queued.")
            .Accepts<UploadRequest>("multipart/form-data")
            .Produces<AcceptedUpload>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(ClientRateLimits.UploadPolicy);
        return app;
    }

    /// <summary>
    /// <c>POST /upload</c>, multipart/form-data with a part <c>file</c> (and optionally <c>bitrate</c>): the request
    /// becomes an <see cref="UploadForm"/>, and <see cref="VideoSubmission"/> stores, records and queues it.
    /// </summary>
    private static async Task<IResult> UploadAsync(
        HttpContext context, ClaimsPrincipal user, VideoSubmission submission, IConnection broker, UserLimits userLimits,
        IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        // Mail goes only to verified addresses (the conversion's mail included): refused before anything is read.
        if (!user.IsEmailVerified())
        {
            return Problems.AddressNotVerified();
        }

        if (UploadForm.Of(context.Request) is not { } form)
        {
            return Problems.BadRequest("Send the video as multipart/form-data, in a part named 'file'.");
        }

        // A body announced larger than the limit is refused unread.
        var limits = options.Value;
        if (context.Request.ContentLength > limits.MaxRequestBodySize)
        {
            return Problems.TooLarge(limits.MaxFileSize);
        }

        // Without a broker the job could not be queued: say so before receiving gigabytes.
        if (!broker.IsOpen)
        {
            return Problems.Unavailable("The message broker is unreachable.");
        }

        // The user's limits, before a byte of the body is read: uploads in flight, jobs, and a quota that the announced
        // length already passes.
        var owner = user.GetCurrentUser();
        var admission = await userLimits.AdmitUploadAsync(owner.Id, context.Request.ContentLength, cancellationToken);
        if (admission is not UploadAdmission.Admitted admitted)
        {
            return ((UploadAdmission.Refused)admission).Problem;
        }

        await using var lease = admitted.Lease;

        // Kestrel's default (30 MB) would cut uploads short; this limit holds for chunked bodies too, where no length
        // is announced: reading past it throws, and the submission answers 413 (VideoSubmission).
        context.Features.GetRequiredFeature<IHttpMaxRequestBodySizeFeature>().MaxRequestBodySize = limits.MaxRequestBodySize;

        return await submission.SubmitAsync(form, owner, admitted.RemainingBytes, cancellationToken) switch
        {
            SubmissionOutcome.Accepted { Job: var job } =>
                Results.Accepted($"/jobs/{job.Id}", new AcceptedUpload(job.Id, job.Status)),
            SubmissionOutcome.Invalid invalid => Problems.BadRequest(invalid.Reason),
            SubmissionOutcome.TooLarge tooLarge => Problems.TooLarge(tooLarge.Limit),
            SubmissionOutcome.OverQuota overQuota => Problems.QuotaExceeded(admitted.QuotaBytes, admitted.QuotaBytes - overQuota.RemainingBytes),
            SubmissionOutcome.Unavailable unavailable => Problems.Unavailable(unavailable.Reason),
            var outcome => throw new InvalidOperationException($"Unexpected outcome {outcome}."),
        };
    }
}
