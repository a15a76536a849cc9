using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>
/// The gateway's writes: it creates jobs, deletes one to undo a submission that failed, and marks one deleted for its
/// owner.
/// </summary>
public interface IJobSubmissions
{
    /// <summary>
    /// Stores the job, <c>queued</c>, created (and updated) now. Stored already (the same id, owner and video), the
    /// stored job is returned; an id taken by another submission throws <see cref="InvalidOperationException"/>.
    /// </summary>
    Task<Job> CreateAsync(NewJob job, CancellationToken cancellationToken);

    /// <summary>Removes a job whose message could not be queued; a job already gone is not an error.</summary>
    Task DeleteAsync(JobId id, CancellationToken cancellationToken);

    /// <summary>
    /// The owner's job → <c>deleted</c>, from whatever state, and returned as it now is (with the ids of its files,
    /// for the caller to delete); null if it is not the owner's. Deleted already, it is returned as it is.
    /// </summary>
    Task<Job?> MarkDeletedAsync(JobId id, string ownerId, CancellationToken cancellationToken);
}
