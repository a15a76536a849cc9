using Microsoft.Extensions.Options;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Uploads;

/// <summary>
/// The upload, as a use case: store the video as it arrives → create its job → queue it. When a step fails, what the
/// earlier ones did is undone, so a refused upload leaves no video, no job and no message behind.
/// </summary>
public sealed partial class VideoSubmission(
    MediaStore media,
    IJobSubmissions jobs,
    IVideoQueue queue,
    IOptions<UploadOptions> options,
    UploadTelemetry telemetry,
    ILogger<VideoSubmission> logger)
{
    public Task<SubmissionOutcome> SubmitAsync(UploadForm form, CurrentUser owner, CancellationToken cancellationToken) =>
        SubmitAsync(form, owner, long.MaxValue, cancellationToken);

    /// <param name="quotaRemaining">
    /// What the owner's storage quota leaves (UserLimits): the file is stopped, and its part removed, the moment it
    /// passes this, as it would at the file size limit.
    /// </param>
    public async Task<SubmissionOutcome> SubmitAsync(UploadForm form, CurrentUser owner, long quotaRemaining, CancellationToken cancellationToken)
    {
        // Named before anything is stored: the video's metadata points at its job.
        var jobId = JobIds.New();
        UploadTelemetry.TagJob(jobId);

        var (video, bitrate, refusal) = await ReceiveAsync(form, jobId, owner, quotaRemaining, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (video is null)
        {
            return new SubmissionOutcome.Invalid("No file was sent: put the video in a multipart part named 'file'.");
        }

        if (video.Length == 0)
        {
            return await DiscardAsync(video, new SubmissionOutcome.Invalid("The file is empty."));
        }

        Job job;
        try
        {
            job = await jobs.CreateAsync(
                new NewJob(jobId, owner.Id, owner.Email, video.FileName, video.Metadata.ContentType, video.Length, video.Id, bitrate),
                cancellationToken);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            LogStorageFailed(ex);
            return await DiscardAsync(video, new SubmissionOutcome.Unavailable("The job store is unreachable."));
        }
        catch (OperationCanceledException)
        {
            // The insert may have reached the database before the client went away.
            await UndoAsync(jobId, video);
            throw;
        }

        try
        {
            await queue.PublishAsync(
                new VideoUploaded(jobId, video.Id.ToString(), owner.Email, owner.Id, video.FileName, bitrate), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogQueueFailed(ex, jobId);
            await UndoAsync(jobId, video);
            return new SubmissionOutcome.Unavailable("The job could not be queued.");
        }

        // Cancelled while publishing, the job and video stay: the message may be queued already. If it is not, the
        // retention sweep fails the job in time and tells its owner.
        telemetry.Accepted(video.Length);
        return new SubmissionOutcome.Accepted(job);
    }

    /// <summary>Reads the form, storing the video as it comes; a refusal has discarded whatever was stored.</summary>
    private async Task<(StoredFile<VideoMetadata>? Video, int? Bitrate, SubmissionOutcome? Refusal)> ReceiveAsync(
        UploadForm form, JobId jobId, CurrentUser owner, long quotaRemaining, CancellationToken cancellationToken)
    {
        var maxFileSize = options.Value.MaxFileSize;
        var maxLength = Math.Min(maxFileSize, quotaRemaining);
        StoredFile<VideoMetadata>? video = null;
        int? bitrate = null;
        try
        {
            await foreach (var part in form.ReadPartsAsync(cancellationToken))
            {
                switch (part)
                {
                    case UploadPart.Video when video is not null:
                        return (null, null, await DiscardAsync(video, new SubmissionOutcome.Invalid("Send one file per upload.")));
                    case UploadPart.Video file:
                        var metadata = new VideoMetadata
                        {
                            OwnerId = owner.Id,
                            OwnerEmail = owner.Email,
                            JobId = jobId,
                            OriginalName = file.FileName,
                            ContentType = file.ContentType,
                        };
                        video = await media.StoreVideoAsync(file.Content, file.FileName, metadata, maxLength, cancellationToken);
                        break;
                    case UploadPart.Bitrate when bitrate is not null:
                        return (null, null, await DiscardAsync(video, new SubmissionOutcome.Invalid("Send the bitrate once.")));
                    case UploadPart.Bitrate requested:
                        bitrate = requested.Kbps;
                        break;
                }
            }

            return (video, bitrate, null);
        }
        catch (InvalidUploadException ex)
        {
            return (null, null, await DiscardAsync(video, new SubmissionOutcome.Invalid(ex.Message)));
        }
        catch (FileTooLargeException ex)
        {
            // The store removed the partial file; no earlier one exists (a second file is refused before it is read).
            return (null, null, ex.Limit < maxFileSize ? new SubmissionOutcome.OverQuota(ex.Limit) : new SubmissionOutcome.TooLarge(ex.Limit));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's limit on the body (the file limit plus the form's framing, UploadOptions.MaxRequestBodySize),
            // which holds for chunked bodies too; a partial file was removed by the store.
            return (null, null, await DiscardAsync(video, new SubmissionOutcome.TooLarge(maxFileSize)));
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            // Only storing the video talks to MongoDB here, and it removes its partial file itself.
            LogStorageFailed(ex);
            return (null, null, new SubmissionOutcome.Unavailable("The file store is unreachable."));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException && !cancellationToken.IsCancellationRequested)
        {
            return (null, null, await DiscardAsync(video, new SubmissionOutcome.Invalid($"The upload could not be read: {ex.Message}")));
        }
        catch (Exception) when (video is not null)
        {
            // Cancelled (the client went away) or unforeseen: the video goes, the exception goes on.
            await media.DeleteVideoAsync(video.Id, CancellationToken.None);
            throw;
        }
    }

    private async Task<SubmissionOutcome> DiscardAsync(StoredFile<VideoMetadata>? video, SubmissionOutcome refusal)
    {
        if (video is not null)
        {
            await media.DeleteVideoAsync(video.Id, CancellationToken.None);
        }

        return refusal;
    }

    private async Task UndoAsync(JobId jobId, StoredFile<VideoMetadata> video)
    {
        await jobs.DeleteAsync(jobId, CancellationToken.None);
        await media.DeleteVideoAsync(video.Id, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing an upload failed")]
    private partial void LogStorageFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queueing job {JobId} failed; its job and video were deleted")]
    private partial void LogQueueFailed(Exception exception, JobId jobId);
}
