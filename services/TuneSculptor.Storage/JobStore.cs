using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>
/// Jobs in MongoDB. State changes are conditional updates, so a message handled twice (redelivery) cannot move a
/// job backwards or finish it twice.
/// </summary>
public sealed class JobStore(IMongoDatabase database, TimeProvider time)
{
    private readonly IMongoCollection<Job> _jobs = database.GetCollection<Job>("jobs");

    private static FilterDefinitionBuilder<Job> Filter => Builders<Job>.Filter;
    private static UpdateDefinitionBuilder<Job> Update => Builders<Job>.Update;

    /// <summary>Stores a new job; one without an id gets one (the gateway names its jobs before storing the video).</summary>
    public async Task<Job> CreateAsync(Job job, CancellationToken cancellationToken)
    {
        if (job.Id == ObjectId.Empty)
        {
            job.Id = ObjectId.GenerateNewId();
        }

        job.CreatedAt = job.UpdatedAt = Now;
        await _jobs.InsertOneAsync(job, cancellationToken: cancellationToken);
        return job;
    }

    public async Task<Job?> FindAsync(ObjectId id, CancellationToken cancellationToken) =>
        await _jobs.Find(Filter.Eq(j => j.Id, id)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The job if it is the owner's; someone else's job is as good as missing.</summary>
    public async Task<Job?> FindForOwnerAsync(ObjectId id, string ownerId, CancellationToken cancellationToken) =>
        await _jobs.Find(Filter.Eq(j => j.Id, id) & Filter.Eq(j => j.OwnerId, ownerId)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The owner's jobs, newest first.</summary>
    public async Task<(IReadOnlyList<Job> Jobs, long Total)> ListForOwnerAsync(string ownerId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var mine = Filter.Eq(j => j.OwnerId, ownerId);
        var total = await _jobs.CountDocumentsAsync(mine, cancellationToken: cancellationToken);
        var jobs = await _jobs.Find(mine)
            .SortByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .Skip((page - 1) * pageSize)
            .Limit(pageSize)
            .ToListAsync(cancellationToken);
        return (jobs, total);
    }

    public Task DeleteAsync(ObjectId id, CancellationToken cancellationToken) =>
        _jobs.DeleteOneAsync(Filter.Eq(j => j.Id, id), cancellationToken);

    /// <summary>Queued (or converting, on a redelivery) → converting; false if the job has already finished.</summary>
    public async Task<bool> MarkConvertingAsync(ObjectId id, CancellationToken cancellationToken)
    {
        var result = await _jobs.UpdateOneAsync(
            Filter.Eq(j => j.Id, id) & Filter.In(j => j.Status, [JobStatus.Queued, JobStatus.Converting]),
            Update.Set(j => j.Status, JobStatus.Converting).Set(j => j.UpdatedAt, Now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    /// <summary>Converting → done with its mp3; false if another delivery finished it first.</summary>
    public async Task<bool> MarkDoneAsync(ObjectId id, ObjectId mp3Fid, double durationSeconds, CancellationToken cancellationToken)
    {
        var result = await _jobs.UpdateOneAsync(
            Filter.Eq(j => j.Id, id) & Filter.Ne(j => j.Status, JobStatus.Done),
            Update.Set(j => j.Status, JobStatus.Done)
                .Set(j => j.Mp3Fid, mp3Fid)
                .Set(j => j.DurationSeconds, durationSeconds)
                .Set(j => j.Error, null)
                .Set(j => j.UpdatedAt, Now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    /// <summary>Any state but done → failed, with the reason for the user.</summary>
    public Task MarkFailedAsync(ObjectId id, string reason, CancellationToken cancellationToken) =>
        _jobs.UpdateOneAsync(
            Filter.Eq(j => j.Id, id) & Filter.Ne(j => j.Status, JobStatus.Done),
            Update.Set(j => j.Status, JobStatus.Failed).Set(j => j.Error, reason).Set(j => j.UpdatedAt, Now),
            cancellationToken: cancellationToken);

    /// <summary>The job whose uploaded video this is, if any.</summary>
    public async Task<Job?> FindByVideoAsync(ObjectId videoFid, CancellationToken cancellationToken) =>
        await _jobs.Find(Filter.Eq(j => j.VideoFid, videoFid)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>Jobs still queued or converting that nothing has touched since <paramref name="cutoff"/>, oldest first.</summary>
    public async Task<IReadOnlyList<Job>> FindUnfinishedBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        await _jobs.Find(UnfinishedBefore(cutoff)).SortBy(j => j.UpdatedAt).Limit(limit).ToListAsync(cancellationToken);

    /// <summary>
    /// Queued or converting, and untouched since <paramref name="cutoff"/> → failed, with the reason; false if a
    /// converter took the job up meanwhile.
    /// </summary>
    public async Task<bool> MarkAbandonedAsync(ObjectId id, DateTime cutoff, string reason, CancellationToken cancellationToken)
    {
        var result = await _jobs.UpdateOneAsync(
            Filter.Eq(j => j.Id, id) & UnfinishedBefore(cutoff),
            Update.Set(j => j.Status, JobStatus.Failed).Set(j => j.Error, reason).Set(j => j.UpdatedAt, Now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    /// <summary>Done or failed → expired: its files are being deleted, so no download link is given any more.</summary>
    public Task MarkExpiredAsync(ObjectId id, CancellationToken cancellationToken) =>
        _jobs.UpdateOneAsync(
            Filter.Eq(j => j.Id, id) & Filter.In(j => j.Status, [JobStatus.Done, JobStatus.Failed]),
            Update.Set(j => j.Status, JobStatus.Expired).Set(j => j.UpdatedAt, Now),
            cancellationToken: cancellationToken);

    /// <summary>Marks the user as told; false when that was already done (so the mail must not go again).</summary>
    public async Task<bool> MarkNotifiedAsync(ObjectId id, CancellationToken cancellationToken)
    {
        var result = await _jobs.UpdateOneAsync(
            Filter.Eq(j => j.Id, id) & Filter.Eq(j => j.NotifiedAt, null),
            Update.Set(j => j.NotifiedAt, Now).Set(j => j.UpdatedAt, Now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    private static FilterDefinition<Job> UnfinishedBefore(DateTime cutoff) =>
        Filter.In(j => j.Status, [JobStatus.Queued, JobStatus.Converting]) & Filter.Lt(j => j.UpdatedAt, cutoff);

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
