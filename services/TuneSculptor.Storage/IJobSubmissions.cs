using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>The gateway's writes: it creates jobs, and deletes one only to undo a submission that failed.</summary>
public interface IJobSubmissions
{
    /// <summary>
    /// Stores the job, <c>queued</c>, created (and updated) now. Stored already (the same id, owner and video), the
    /// stored job is returned; an id taken by another submission throws <see cref="InvalidOperationException"/>.
    /// </summary>
    Task<Job> CreateAsync(NewJob job, CancellationToken cancellationToken);

    /// <summary>Removes a job whose message could not be queued; a job already gone is not an error.</summary>
    Task DeleteAsync(JobId id, CancellationToken cancellationToken);
}
