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
        };
        await jobs.Documents.InsertOneAsync(created, cancellationToken: cancellationToken);
        return created;
    }

    public Task DeleteAsync(JobId id, CancellationToken cancellationToken) =>
        jobs.Documents.DeleteOneAsync(JobsCollection.ById(id), cancellationToken);
}
