using MongoDB.Driver;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

internal sealed class JobSubmissions(JobsCollection jobs) : IJobSubmissions
{
    public async Task<Job> CreateAsync(NewJob job, CancellationToken cancellationToken)
    {
        var now = jobs.Now;
        var created = new Job
        {
            Id = job.Id,
            OwnerId = job.OwnerId,
            OwnerEmail = job.OwnerEmail,
            FileName = job.FileName,
            ContentType = job.ContentType,
            Size = job.Size,
            VideoFileId = job.VideoFileId,
            Bitrate = job.Bitrate,
            Status = JobStatus.Queued,
            CreatedAt = now,
            UpdatedAt = now,
            ChangedAt = now,
        };
        try
        {
            await jobs.Documents.InsertOneAsync(created, cancellationToken: cancellationToken);
            return created;
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // The same insert arriving twice (a write retried after a lost reply) is the same submission: the job
            // stored first stands. Another submission under a used id would be a bug in minting ids, never data to
            // overwrite.
            var stored = await jobs.FindAsync(job.Id, cancellationToken);
            if (stored is not null && stored.OwnerId == job.OwnerId && stored.VideoFileId == job.VideoFileId)
            {
                return stored;
            }

            throw new InvalidOperationException($"Job {job.Id} already exists for another submission.", ex);
        }
    }

    public Task DeleteAsync(JobId id, CancellationToken cancellationToken) =>
        jobs.Documents.DeleteOneAsync(JobsCollection.ById(id), cancellationToken);

    // updated_at is left alone: it is the conversion's clock, and a deleted job has no conversion left to time. changed_at
    // moves (again for a job deleted already, which is harmless): the owner's event stream shows it, and pruning counts
    // from it.
    public async Task<Job?> MarkDeletedAsync(JobId id, string ownerId, CancellationToken cancellationToken) =>
        await jobs.Documents.FindOneAndUpdateAsync(
            JobsCollection.ById(id) & JobsCollection.Filter.Eq(j => j.OwnerId, ownerId),
            jobs.Change().Set(j => j.Status, JobStatus.Deleted),
            new FindOneAndUpdateOptions<Job> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
}
