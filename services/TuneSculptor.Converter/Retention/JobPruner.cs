using Microsoft.Extensions.Options;
using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Retention;

/// <summary>
/// Removes the records of jobs finished with (expired, deleted or failed) once they are
/// <see cref="RetentionSweepOptions.PruneJobsAfter"/> old, with the notification log they carry
/// (<see cref="Job.NotifiedAt"/>); part of the retention sweep. Whatever is left of their files goes with them.
/// </summary>
public sealed partial class JobPruner(
    MediaStore media,
    IConversionJobs jobs,
    IOptions<RetentionSweepOptions> options,
    TimeProvider time,
    ILogger<JobPruner> logger)
{
    /// <summary>Prunes up to one batch (<see cref="RetentionSweepOptions.BatchSize"/>); returns how many jobs went.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var cutoff = time.GetUtcNow().UtcDateTime - settings.PruneJobsAfter;
        var pruned = 0;
        foreach (var jobId in await jobs.FindPrunableAsync(cutoff, settings.BatchSize, cancellationToken))
        {
            // The record first, on its condition (a job that changed meanwhile stays, files and all), then whatever is
            // left of its files: normally nothing (expired and deleted jobs lost theirs then), but a failed job's video
            // is still there when PruneJobsAfter is shorter than the retention age. Should this stop in between, the
            // files are still swept by their age.
            if (await jobs.PruneAsync(jobId, cutoff, cancellationToken))
            {
                await media.DeleteFilesOfJobAsync(jobId, cancellationToken);
                pruned++;
            }
        }

        if (pruned > 0)
        {
            LogPruned(pruned, settings.PruneJobsAfter.TotalDays);
        }

        return pruned;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: removed {Jobs} job records finished with more than {Days} days ago")]
    private partial void LogPruned(int jobs, double days);
}
