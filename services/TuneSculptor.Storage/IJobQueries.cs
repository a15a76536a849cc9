using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>The gateway's reads: a user's own jobs, never anyone else's.</summary>
public interface IJobQueries
{
    /// <summary>The job if it is the owner's; someone else's job is as good as missing.</summary>
    Task<Job?> FindForOwnerAsync(JobId id, string ownerId, CancellationToken cancellationToken);

    /// <summary>The job that made the mp3 <paramref name="mp3FileId"/>, whoever owns it (a download link names only the file).</summary>
    Task<Job?> FindByMp3Async(MongoDB.Bson.ObjectId mp3FileId, CancellationToken cancellationToken);

    /// <summary>The owner's jobs, newest first, with how many there are in all (two queries: a page and a count).</summary>
    Task<(IReadOnlyList<Job> Jobs, long Total)> ListForOwnerAsync(string ownerId, int page, int pageSize, CancellationToken cancellationToken);

    /// <summary>The owner's <paramref name="limit"/> newest jobs, newest first; one query, no count.</summary>
    Task<IReadOnlyList<Job>> NewestForOwnerAsync(string ownerId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The owner's jobs whose <see cref="Job.ChangedAt"/> is <paramref name="changedSince"/> or later and that were
    /// created at <paramref name="createdFrom"/> or later (null: whenever), least recently changed first; one query.
    /// </summary>
    Task<IReadOnlyList<Job>> ChangedForOwnerAsync(string ownerId, DateTime changedSince, DateTime? createdFrom, CancellationToken cancellationToken);
}
