using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>The gateway's reads: a user's own jobs, never anyone else's.</summary>
public interface IJobQueries
{
    /// <summary>The job if it is the owner's; someone else's job is as good as missing.</summary>
    Task<Job?> FindForOwnerAsync(JobId id, string ownerId, CancellationToken cancellationToken);

    /// <summary>The job that made the mp3 <paramref name="mp3FileId"/>, whoever owns it (a download link names only the file).</summary>
    Task<Job?> FindByMp3Async(MongoDB.Bson.ObjectId mp3FileId, CancellationToken cancellationToken);

    /// <summary>The owner's jobs, newest first.</summary>
    Task<(IReadOnlyList<Job> Jobs, long Total)> ListForOwnerAsync(string ownerId, int page, int pageSize, CancellationToken cancellationToken);
}
