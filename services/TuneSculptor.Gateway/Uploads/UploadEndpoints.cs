using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using MongoDB.Bson;
using MongoDB.Driver;
using RabbitMQ.Client;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Uploads;

public static partial class UploadEndpoints
{
    /// <summary>Constant bitrates one may ask for (kbps); without one the mp3 is VBR quality 2.</summary>
    public static readonly int[] Bitrates = [96, 128, 160, 192, 256, 320];

    public static IEndpointRouteBuilder MapUploadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/upload", UploadAsync);
        return app;
    }

    /// <summary>
    /// <c>POST /upload</c>, multipart/form-data with a part <c>file</c> (and optionally <c>bitrate</c>). The file is
    /// streamed into GridFS as it arrives; the job is then recorded and queued. Whatever fails, nothing stays
    /// half-stored: a video whose job could not be queued is deleted.
    /// </summary>
    private static async Task<IResult> UploadAsync(
        HttpContext context, ClaimsPrincipal user, MediaStore media, JobStore jobs, MessagePublisher publisher,
        IConnection broker, IOptions<UploadOptions> options, UploadTelemetry telemetry, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(UploadEndpoints));
        var maxFileSize = options.Value.MaxFileSize;
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Problems.BadRequest("Send the video as multipart/form-data, in a part named 'file'.");
        }

        // A body announced larger than the limit (plus room for the multipart framing) is refused unread.
        if (context.Request.ContentLength > maxFileSize + 64 * 1024)
        {
            return Problems.TooLarge(maxFileSize);
        }

        // Without a broker the job could not be queued: say so before receiving gigabytes.
        if (!broker.IsOpen)
        {
            return Problems.Unavailable("The message broker is unreachable.");
        }

        // The limit is enforced while storing, on the file's bytes; Kestrel's own (30 MB) would cut uploads short.
        context.Features.GetRequiredFeature<IHttpMaxRequestBodySizeFeature>().MaxRequestBodySize = null;

        var jobId = ObjectId.GenerateNewId();
        UploadTelemetry.TagJob(context, jobId.ToString());
        var ownerId = user.FindFirstValue("sub")!;
        var ownerEmail = user.FindFirstValue("email")!;
        StoredFile? video = null;
        int? bitrate = null;
        try
        {
            var reader = new MultipartReader(boundary, context.Request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (name == "file" && disposition.IsFileDisposition())
                {
                    if (video is not null)
                    {
                        return await DiscardAsync(media, video, Problems.BadRequest("Send one file per upload."));
                    }

                    var fileName = FileNames.Clean(disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
                    var metadata = new BsonDocument
                    {
                        [MediaStore.OwnerField] = ownerId,
                        ["owner_email"] = ownerEmail,
                        ["job_id"] = jobId,
                        ["original_name"] = fileName,
                        ["content_type"] = section.ContentType ?? "application/octet-stream",
                    };
                    video = await media.StoreVideoAsync(section.Body, fileName, metadata, maxFileSize, cancellationToken);
                }
                else if (name == "bitrate")
                {
                    var text = await new StreamReader(section.Body).ReadToEndAsync(cancellationToken);
                    if (!int.TryParse(text.Trim(), out var requested) || !Bitrates.Contains(requested))
                    {
                        return await DiscardAsync(media, video, Problems.BadRequest($"bitrate must be one of {string.Join(", ", Bitrates)} (kbps)."));
                    }

                    bitrate = requested;
                }
            }
        }
        catch (FileTooLargeException)
        {
            return Problems.TooLarge(maxFileSize);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            LogStorageFailed(logger, ex);
            return Problems.Unavailable("The file store is unreachable.");
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return await DiscardAsync(media, video, Problems.BadRequest($"The upload could not be read: {ex.Message}"));
        }

        if (video is null)
        {
            return Problems.BadRequest("No file was sent: put the video in a multipart part named 'file'.");
        }

        if (video.Length == 0)
        {
            return await DiscardAsync(media, video, Problems.BadRequest("The file is empty."));
        }

        var job = new Job
        {
            Id = jobId,
            OwnerId = ownerId,
            OwnerEmail = ownerEmail,
            FileName = video.FileName,
            ContentType = video.Metadata.GetValue("content_type", BsonNull.Value).ToString(),
            Size = video.Length,
            VideoFid = video.Id,
            Bitrate = bitrate,
            Status = JobStatus.Queued,
        };
        try
        {
            await jobs.CreateAsync(job, cancellationToken);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            LogStorageFailed(logger, ex);
            return await DiscardAsync(media, video, Problems.Unavailable("The job store is unreachable."));
        }

        try
        {
            await publisher.PublishAsync(Queues.Video, new VideoUploaded(
                job.Id.ToString(), video.Id.ToString(), ownerEmail, ownerId, video.FileName, bitrate), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogQueueFailed(logger, ex, job.Id.ToString());
            await jobs.DeleteAsync(job.Id, CancellationToken.None);
            return await DiscardAsync(media, video, Problems.Unavailable("The job could not be queued."));
        }

        telemetry.Accepted(video.Length);
        return Results.Accepted($"/jobs/{job.Id}", new { job_id = job.Id.ToString(), status = job.Status });
    }

    private static async Task<IResult> DiscardAsync(MediaStore media, StoredFile? video, IResult answer)
    {
        if (video is not null)
        {
            await media.DeleteVideoAsync(video.Id, CancellationToken.None);
        }

        return answer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing an upload failed")]
    private static partial void LogStorageFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queueing job {JobId} failed; its video was deleted")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception, string jobId);
}
