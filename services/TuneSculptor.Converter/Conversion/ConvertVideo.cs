using System.Diagnostics;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver.GridFS;
using TuneSculptor.Contracts;
using TuneSculptor.Contracts.Telemetry;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// Converts the <see cref="VideoUploaded"/> jobs of the <c>video</c> queue: ffmpeg reading the video from GridFS as it
/// is fetched (<see cref="LoopbackVideoSource"/>; else from a scratch copy), mp3 to GridFS, job done,
/// <see cref="Mp3Ready"/> on the <c>mp3</c> queue (then the worker acks). A redelivered job that is already done is not
/// converted again; its notice is published again (notification mails once). A job its owner deletes meanwhile is abandoned: no mp3 is kept and no notice goes out, wherever the deletion falls (see
/// <see cref="HandleAsync"/>).
/// </summary>
public sealed partial class ConvertVideo(
    IOptions<ConverterOptions> options,
    IConversionJobs jobs,
    MediaStore media,
    Mp3Encoder encoder,
    ScratchFolders scratch,
    LoopbackVideoSource loopback,
    ConverterInstance instance,
    MessagePublisher publisher,
    ConversionTelemetry telemetry,
    ILogger<ConvertVideo> logger) : IMessageHandler<VideoUploaded>
{
    public async Task HandleAsync(VideoUploaded uploaded, CancellationToken cancellationToken)
    {
        var jobId = uploaded.JobId;
        var videoFileId = ParseVideoFileId(uploaded.VideoFileId);
        var settings = options.Value;
        // What to convert comes with the message; the job is read for its conversion state only.
        if (await StartAsync(uploaded, videoFileId, cancellationToken) is not { } job)
        {
            return;
        }

        await using var lease = new JobLease(jobId, instance.Id, settings.LeaseDuration, jobs, logger);
        using var work = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        try
        {
            await ConvertAsync(uploaded, videoFileId, job.Size, work.Token);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Deleted by its owner (its ffmpeg run is stopped rather than finished for nothing), or taken over by another
            // converter after this one could not renew for a whole lease: either way not this converter's to finish.
            if (await IsDeletedAsync(jobId, cancellationToken))
            {
                LogAbandoned(jobId, "while it converted");
            }
            else
            {
                LogStoppedNotOurs(jobId);
            }
        }
        finally
        {
            await ReleaseAsync(jobId);
        }
    }

    /// <summary>
    /// Takes the job for this converter (its lease), and returns it; null when there is nothing to convert: done before
    /// (its notice is published again, and the source deleted), or failed, expired or deleted. While another live
    /// converter holds it (a redelivery, or a duplicate message, while that one works), this waits and looks again:
    /// it neither converts the job a second time nor spends a delivery attempt on it.
    /// </summary>
    private async Task<Job?> StartAsync(VideoUploaded uploaded, ObjectId videoFileId, CancellationToken cancellationToken)
    {
        var jobId = uploaded.JobId;
        var settings = options.Value;
        for (var look = 0; ; look++)
        {
            var job = await jobs.FindAsync(jobId, cancellationToken)
                      ?? throw new PermanentFailureException("The job no longer exists.");
            if (job.Status == JobStatus.Done && job.Mp3FileId is { } doneMp3)
            {
                // Converted before, but the notice or the clean-up did not happen (the broker went away, say).
                await FinishAsync(uploaded, videoFileId, doneMp3, cancellationToken);
                return null;
            }

            if (job.Status is not (JobStatus.Queued or JobStatus.Converting))
            {
                LogSkipped(jobId, job.Status);
                return null;
            }

            if (await jobs.StartConvertingAsync(jobId, instance.Id, settings.LeaseDuration, cancellationToken))
            {
                return job;
            }

            if (look == 0)
            {
                LogHeldElsewhere(jobId, job.LeaseOwner ?? "another converter");
            }

            await Task.Delay(settings.LeaseDuration / 3, cancellationToken);
        }
    }

    private async Task ConvertAsync(VideoUploaded uploaded, ObjectId videoFileId, long videoBytes, CancellationToken cancellationToken)
    {
        var jobId = uploaded.JobId;
        // Stopped (its address dead, its reads cut off) when the job ends, however it ends.
        using var served = await loopback.TryServeAsync(jobId, videoFileId, cancellationToken);
        // The mp3 (at most MaxMp3Bytes) must fit, and a scratch copy of the video too; else another converter, or
        // later, may have room.
        scratch.EnsureRoomFor((served is null ? videoBytes : 0) + options.Value.MaxMp3Bytes);
        var workDirectory = scratch.CreateForJob(uploaded.JobId);
        try
        {
            EncodedMp3 mp3;
            try
            {
                var input = served is null
                    ? await CopyToScratchAsync(jobId, videoFileId, Path.Combine(workDirectory.FullName, "source"), cancellationToken)
                    : ReadThroughLoopback(jobId, served);
                await using var progress = new JobProgressWriter(jobId, jobs, logger);
                mp3 = await EncodeAsync(uploaded.JobId, input, videoBytes, Path.Combine(workDirectory.FullName, "audio.mp3"), uploaded.Bitrate, progress, cancellationToken);
            }
            catch (Exception ex) when (ex is GridFSFileNotFoundException || ex.InnerException is GridFSFileNotFoundException)
            {
                // The owner's delete removes the video: a read that finds it gone is the delete, seen from here.
                if (await IsDeletedAsync(jobId, cancellationToken))
                {
                    LogAbandoned(jobId, "while it converted (its video went with it)");
                    return;
                }

                throw VideoGone(ex);
            }

            if (await IsDeletedAsync(jobId, cancellationToken))
            {
                LogAbandoned(jobId, "before its mp3 was stored");
                return;
            }

            var stored = await media.StoreMp3Async(mp3.Path, Path.ChangeExtension(uploaded.FileName, ".mp3"), new Mp3Metadata
            {
                OwnerId = uploaded.OwnerId,
                JobId = uploaded.JobId,
                OriginalName = uploaded.FileName,
                DurationSeconds = mp3.DurationSeconds,
                Bitrate = uploaded.Bitrate,
            }, cancellationToken);

            var mp3Fid = stored.Id;
            // Conditional on the status: a job deleted while its mp3 was being stored stays deleted. The owner's delete
            // removes what it finds, which may miss an upload still open then; so ours goes here, whatever the reason.
            if (!await jobs.MarkDoneAsync(jobId, mp3Fid, mp3.DurationSeconds, cancellationToken))
            {
                await media.DeleteMp3Async(stored.Id, CancellationToken.None);
                var now = await jobs.FindAsync(jobId, cancellationToken);
                if (now is not { Status: JobStatus.Done, Mp3FileId: { } theirs })
                {
                    LogAbandoned(jobId, "while its mp3 was being stored");
                    return;
                }

                // Another delivery of this job finished first: its mp3 is the one.
                mp3Fid = theirs;
            }

            await FinishAsync(uploaded, videoFileId, mp3Fid, cancellationToken);
            LogConverted(uploaded.JobId, mp3.DurationSeconds);
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }

    private VideoInput ReadThroughLoopback(JobId jobId, ServedVideo served)
    {
        LogThroughLoopback(jobId);
        return VideoInput.Served(served);
    }

    private async Task<VideoInput> CopyToScratchAsync(JobId jobId, ObjectId videoFileId, string path, CancellationToken cancellationToken)
    {
        LogFromScratchCopy(jobId);
        // A video gone (GridFSFileNotFoundException) is told from a delete by the caller.
        await media.DownloadVideoAsync(videoFileId, path, cancellationToken);
        return VideoInput.LocalFile(path);
    }

    private static PermanentFailureException VideoGone(Exception cause) => new("The uploaded video is no longer stored.", cause);

    /// <summary>Lets go of the job (a no-op once it is done or failed): a retry, or another converter, may start it at once.</summary>
    private async Task ReleaseAsync(JobId jobId)
    {
        try
        {
            await jobs.ReleaseLeaseAsync(jobId, instance.Id, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The lease runs out by itself; until then a redelivery waits for it.
            LogNotReleased(jobId, ex);
        }
    }

    /// <summary>
    /// The job is marked failed with the reason, and the user is told (through notification); not when it was done,
    /// expired or deleted meanwhile (its video deleted with it fails the download, for one).
    /// </summary>
    public async Task OnFailedAsync(VideoUploaded uploaded, string reason, CancellationToken cancellationToken)
    {
        if (!await jobs.MarkFailedAsync(uploaded.JobId, reason, cancellationToken))
        {
            LogFailureNotAnnounced(uploaded.JobId, reason);
            return;
        }

        await publisher.PublishAsync(Queues.Mp3, new ConversionFailed(
            uploaded.JobId, uploaded.OwnerEmail, uploaded.FileName, reason), cancellationToken);
    }

    /// <summary>
    /// The job reads as waiting to be retried, with why in its owner's words; not once a retry has begun, or the job
    /// has finished (see <see cref="IConversionJobs.NoteRetryAsync"/>). While the store itself is away this cannot be
    /// written: the job then reads as it last was (and the gateway, on the same store, cannot show it either).
    /// </summary>
    public async Task OnRetryScheduledAsync(VideoUploaded uploaded, RetryNotice notice, CancellationToken cancellationToken)
    {
        var reason = ConversionFailureReasons.Describe(notice.Failure);
        if (!await jobs.NoteRetryAsync(uploaded.JobId, PendingRetry.Of(reason, notice.Attempt, notice.NextAttemptAt), cancellationToken))
        {
            LogRetryNotShown(uploaded.JobId, notice.Attempt);
        }
    }

    /// <summary>The ffmpeg run (probe, encode, check), as the <c>ffmpeg encode</c> span and the conversion metrics.</summary>
    private async Task<EncodedMp3> EncodeAsync(
        JobId jobId, VideoInput input, long videoBytes, string output, int? bitrate, IProgress<double> progress, CancellationToken cancellationToken)
    {
        using var activity = telemetry.StartEncode(jobId, bitrate, videoBytes);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failure";
        try
        {
            var mp3 = await encoder.EncodeAsync(input, output, bitrate, progress, cancellationToken);
            outcome = "success";
            telemetry.Encoded(activity, new FileInfo(mp3.Path).Length, mp3.DurationSeconds);
            return mp3;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "cancelled";
            throw;
        }
        catch (Exception ex)
        {
            activity.RecordFailure(ex);
            throw;
        }
        finally
        {
            telemetry.RecordDuration(Stopwatch.GetElapsedTime(started), outcome);
        }
    }

    /// <summary>Tells the notification, then deletes the source video (if so configured): both safe to repeat.</summary>
    private async Task FinishAsync(VideoUploaded uploaded, ObjectId videoFileId, ObjectId mp3Fid, CancellationToken cancellationToken)
    {
        await publisher.PublishAsync(Queues.Mp3, new Mp3Ready(
            uploaded.JobId, mp3Fid.ToString(), uploaded.OwnerEmail, uploaded.FileName), cancellationToken);
        if (options.Value.DeleteSourceVideo)
        {
            await media.DeleteVideoAsync(videoFileId, cancellationToken);
        }
    }

    private async Task<bool> IsDeletedAsync(JobId jobId, CancellationToken cancellationToken) =>
        (await jobs.FindAsync(jobId, cancellationToken))?.Status is null or JobStatus.Deleted;

    private static ObjectId ParseVideoFileId(string id) =>
        ObjectId.TryParse(id, out var parsed) ? parsed : throw new PermanentFailureException("The video id is not valid.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: ffmpeg reads the video from GridFS through loopback")]
    private partial void LogThroughLoopback(JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: ffmpeg reads the video from a scratch copy")]
    private partial void LogFromScratchCopy(JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} converted: {Seconds:0.0} s of audio")]
    private partial void LogConverted(JobId jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was deleted by its owner {When}: abandoned, nothing kept or sent")]
    private partial void LogAbandoned(JobId jobId, string when);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} is done, expired or deleted: its failure ({Reason}) is not announced")]
    private partial void LogFailureNotAnnounced(JobId jobId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: the retry after attempt {Attempt} is not shown, as the job has moved on (a retry began, or it finished)")]
    private partial void LogRetryNotShown(JobId jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} is held by {Owner}, a converter at work on it: waiting for it to finish or let go")]
    private partial void LogHeldElsewhere(JobId jobId, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was taken over by another converter: conversion stopped, nothing kept or sent")]
    private partial void LogStoppedNotOurs(JobId jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease on job {JobId} could not be let go; it runs out by itself")]
    private partial void LogNotReleased(JobId jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} is {Status}: nothing to convert")]
    private partial void LogSkipped(JobId jobId, string status);
}
