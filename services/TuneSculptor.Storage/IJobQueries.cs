using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>The gateway's reads: a user's own jobs, never anyone else's.</summary>
public interface IJobQueries
{
    /// <summary>The job if it is the owner's; someone else's job is as good as missing.</summary>
    Task<Job?> FindForOwnerAsync(JobId id, string ownerId, CancellationToken cancellationToken);

    /// <summary>The owner's jobs, newest first.</summary>
    Task<(IReadOnlyList<Job> Jobs, long Total)> ListForOwnerAsync(string ownerId, int page, int pageSize, CancellationToken cancellationToken);
}
