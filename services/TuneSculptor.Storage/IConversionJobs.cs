using MongoDB.Bson;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>
/// The converter's writes: a job's conversion state (status, progress, mp3, duration, error, a retry waiting, updated_at), including the
/// retention sweep's transitions. Every change is a conditional update, so a message handled twice (redelivery)
/// cannot move a job backwards or finish it twice.
/// </summary>
public interface IConversionJobs : IJobReader
{
    /// <summary>
    /// Queued (or converting, on a redelivery) → converting, held by <paramref name="owner"/> for
    /// <paramref name="lease"/>; false if the job has finished, or another converter holds it (its lease has not run
    /// out). One compare-and-set: of two converters starting the job at once, one gets it. A retry that was waiting
    /// (<see cref="Job.ConversionRetry"/>) is waiting no more.
    /// </summary>
    Task<bool> StartConvertingAsync(JobId id, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// The holder's heartbeat: its lease runs <paramref name="lease"/> from now; false if <paramref name="owner"/> no
    /// longer holds the job (it finished, was deleted, or was taken over after the lease ran out): stop working on it.
    /// </summary>
    Task<bool> RenewLeaseAsync(JobId id, string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>The holder lets go (it stopped, or a retry may mend its failure): the next delivery may start at once.</summary>
    Task ReleaseLeaseAsync(JobId id, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// The job's conversion failed for a passing reason and waits to be tried again, as <paramref name="retry"/> says
    /// (<see cref="Job.ConversionRetry"/>); false, and nothing written, unless the job is still queued or converting,
    /// no converter holds it (a retry that has begun already), and no later attempt's retry is noted: a note that
    /// comes late never hides where the job stands.
    /// </summary>
    Task<bool> NoteRetryAsync(JobId id, PendingRetry retry, CancellationToken cancellationToken);

    /// <summary>
    /// A converting job's progress rises to <paramref name="progress"/> (0–100); no change if it is already as far or
    /// further, or no longer converting, so progress never moves back and a finished job is left alone.
    /// </summary>
    Task ReportProgressAsync(JobId id, double progress, CancellationToken cancellationToken);

    /// <summary>
    /// Queued, converting or failed → done with its mp3; false if another delivery finished it first, or the owner
    /// deleted it meanwhile (then the mp3 just stored must go).
    /// </summary>
    Task<bool> MarkDoneAsync(JobId id, ObjectId mp3FileId, double durationSeconds, CancellationToken cancellationToken);

    /// <summary>
    /// Any state but done, expired or deleted → failed, with the reason for the user; false when the job was in one
    /// of those (then nobody is to be told it failed).
    /// </summary>
    Task<bool> MarkFailedAsync(JobId id, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Jobs still queued or converting that nothing has touched since <paramref name="cutoff"/>, and no converter holds
    /// now, oldest first.
    /// </summary>
    Task<IReadOnlyList<Job>> FindUnfinishedBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Queued or converting, untouched since <paramref name="cutoff"/> and not held → failed, with the reason; false if
    /// a converter took the job up meanwhile.
    /// </summary>
    Task<bool> MarkAbandonedAsync(JobId id, DateTime cutoff, string reason, CancellationToken cancellationToken);

    /// <summary>Done or failed → expired: its files are being deleted, so no download link is given any more.</summary>
    Task MarkExpiredAsync(JobId id, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> jobs finished with (expired, deleted or failed) whose last change
    /// (<see cref="Job.ChangedAt"/>; <see cref="Job.UpdatedAt"/> on a job stored before that existed) is older than
    /// <paramref name="cutoff"/>: their records are due to be removed.
    /// </summary>
    Task<IReadOnlyList<JobId>> FindPrunableAsync(DateTime cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the job's document if it is still prunable by <paramref name="cutoff"/>; false if it is gone already or
    /// changed meanwhile. Whatever is left of its files is the caller's to delete (they are swept by their age anyway).
    /// </summary>
    Task<bool> PruneAsync(JobId id, DateTime cutoff, CancellationToken cancellationToken);
}
