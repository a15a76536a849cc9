using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Retention;

/// <summary>
/// Deletes mp3s older than <see cref="RetentionOptions.MaxAge"/>, and videos of that age whose job no longer needs
/// them, through the GridFS buckets (files and chunks alike); their jobs become <c>expired</c>. A job still queued or
/// converting after that long has lost its message (a converter killed on every delivery until the broker
/// dead-lettered it, say): its owner is told, it is failed, and its video goes too. Last, the records of jobs finished
/// with long ago are removed (<see cref="JobPruner"/>). Every converter sweeps: deleting what another just deleted is
/// harmless, and an owner told twice is mailed once.
/// </summary>
public sealed partial class RetentionSweeper(
    MediaStore media,
    IConversionJobs jobs,
    JobPruner pruner,
    MessagePublisher publisher,
    IOptions<RetentionOptions> retention,
    IOptions<RetentionSweepOptions> options,
    TimeProvider time,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // MongoDB unreachable, say: the next sweep tries again.
                LogSweepFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var maxAge = retention.Value.MaxAge;
        var cutoff = time.GetUtcNow().UtcDateTime - maxAge;

        var mp3s = await media.FindMp3sStoredBeforeAsync(cutoff, settings.BatchSize, cancellationToken);
        foreach (var mp3 in mp3s)
        {
            // The job first, so no link is handed out for a file that is about to go.
            if (mp3.Metadata.JobId is { } jobId)
            {
                await jobs.MarkExpiredAsync(jobId, cancellationToken);
            }

            await media.DeleteMp3Async(mp3.Id, cancellationToken);
        }

        var abandoned = await jobs.FindUnfinishedBeforeAsync(cutoff, settings.BatchSize, cancellationToken);
        foreach (var job in abandoned)
        {
            var reason = $"This video was not converted within {retention.Value.DescribeMaxAge()}, so it was deleted. Please upload it again.";
            // Told first, then failed: if the broker is down the job stays as it is for the next sweep, and a notice
            // sent twice is mailed once. A late delivery of its message then finds nothing to convert.
            await publisher.PublishAsync(Queues.Mp3, new ConversionFailed(job.Id, job.OwnerEmail, job.FileName, reason), cancellationToken);
            if (await jobs.MarkAbandonedAsync(job.Id, cutoff, reason, cancellationToken))
            {
                LogAbandoned(job.Id, job.Status, job.UpdatedAt);
            }
            else
            {
                LogTakenUpLate(job.Id);
            }
        }

        var deletedVideos = 0;
        foreach (var video in await media.FindVideosStoredBeforeAsync(cutoff, settings.BatchSize, cancellationToken))
        {
            var job = video.Metadata.JobId is { } jobId ? await jobs.FindAsync(jobId, cancellationToken) : null;
            if (job?.Status is JobStatus.Queued or JobStatus.Converting)
            {
                // Taken up by a converter since (it was just stored, or abandoned above but picked up meanwhile).
                continue;
            }

            if (job is not null)
            {
                await jobs.MarkExpiredAsync(job.Id, cancellationToken);
            }

            await media.DeleteVideoAsync(video.Id, cancellationToken);
            deletedVideos++;
        }

        if (mp3s.Count + deletedVideos > 0)
        {
            LogSwept(mp3s.Count, deletedVideos, maxAge.TotalHours);
        }

        await pruner.PruneAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was still {Status} since {Since:u}: failed, its owner told, its video to be deleted")]
    private partial void LogAbandoned(JobId jobId, string status, DateTime since);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} was taken up by a converter just as its failure was announced; its owner may be mailed that it failed")]
    private partial void LogTakenUpLate(JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Mp3s} mp3s and {Videos} videos older than {Hours} h")]
    private partial void LogSwept(int mp3s, int videos, double hours);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed; trying again at the next one")]
    private partial void LogSweepFailed(Exception exception);
}
