using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using static TuneSculptor.Storage.JobsCollection;

namespace TuneSculptor.Storage;

internal sealed class ConversionJobs(JobsCollection jobs) : IConversionJobs
{
    /// <summary>States no conversion outcome may overwrite: done once, expired by the sweep, deleted by the owner.</summary>
    private static readonly string[] Finished = [JobStatus.Done, JobStatus.Expired, JobStatus.Deleted];

    public Task<Job?> FindAsync(JobId id, CancellationToken cancellationToken) => jobs.FindAsync(id, cancellationToken);

    public async Task<bool> StartConvertingAsync(JobId id, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = jobs.Now;
        var result = await jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.In(j => j.Status, [JobStatus.Queued, JobStatus.Converting]) & NotHeldAt(now),
            // A redelivered job starts over, so its progress does too.
            StatusChange(JobStatus.Converting, now)
                .Set(j => j.Progress, null)
                .Set(j => j.LeaseOwner, owner)
                .Set(j => j.LeaseUntil, now + lease)
                .Unset(j => j.ConversionRetry),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    // Not a status change: updated_at stays (the job is no closer to done); changed_at moves, so the owner sees it.
    public async Task<bool> NoteRetryAsync(JobId id, PendingRetry retry, CancellationToken cancellationToken)
    {
        var now = jobs.Now;
        var result = await jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.In(j => j.Status, [JobStatus.Queued, JobStatus.Converting]) & NotHeldAt(now)
                     & (Filter.Eq(j => j.ConversionRetry, null) | Filter.Lt(j => j.ConversionRetry!.Attempt, retry.Attempt)),
            Update.Set(j => j.ConversionRetry, retry).Set(j => j.ChangedAt, now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    // Not a status change: updated_at stays the time converting began.
    public async Task<bool> RenewLeaseAsync(JobId id, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        var result = await jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.Eq(j => j.Status, JobStatus.Converting) & Filter.Eq(j => j.LeaseOwner, owner),
            Update.Set(j => j.LeaseUntil, jobs.Now + lease),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public Task ReleaseLeaseAsync(JobId id, string owner, CancellationToken cancellationToken) =>
        jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.Eq(j => j.LeaseOwner, owner),
            Update.Set(j => j.LeaseOwner, null).Set(j => j.LeaseUntil, null),
            cancellationToken: cancellationToken);

    // Not a status change: updated_at (what the retention sweep goes by) stays the time converting began; changed_at
    // moves, so the owner's event stream shows it.
    public Task ReportProgressAsync(JobId id, double progress, CancellationToken cancellationToken) =>
        jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.Eq(j => j.Status, JobStatus.Converting)
                     & (Filter.Eq(j => j.Progress, null) | Filter.Lt(j => j.Progress, progress)),
            jobs.Change().Set(j => j.Progress, progress),
            cancellationToken: cancellationToken);

    public async Task<bool> MarkDoneAsync(JobId id, ObjectId mp3FileId, double durationSeconds, CancellationToken cancellationToken)
    {
        var result = await jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.Nin(j => j.Status, Finished),
            jobs.StatusChange(JobStatus.Done)
                .Set(j => j.Progress, 100)
                .Set(j => j.Mp3FileId, mp3FileId)
                .Set(j => j.DurationSeconds, durationSeconds)
                .Set(j => j.Error, null)
                .Set(j => j.LeaseOwner, null)
                .Set(j => j.LeaseUntil, null)
                .Unset(j => j.ConversionRetry),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<bool> MarkFailedAsync(JobId id, string reason, CancellationToken cancellationToken)
    {
        var result = await jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.Nin(j => j.Status, Finished),
            jobs.StatusChange(JobStatus.Failed).Set(j => j.Error, reason).Set(j => j.LeaseOwner, null).Set(j => j.LeaseUntil, null).Unset(j => j.ConversionRetry),
            cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<IReadOnlyList<Job>> FindUnfinishedBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        await jobs.Documents.Find(UnfinishedBefore(cutoff)).SortBy(j => j.UpdatedAt).Limit(limit).ToListAsync(cancellationToken);

    public async Task<bool> MarkAbandonedAsync(JobId id, DateTime cutoff, string reason, CancellationToken cancellationToken)
    {
        var result = await jobs.Documents.UpdateOneAsync(
            ById(id) & UnfinishedBefore(cutoff),
            jobs.StatusChange(JobStatus.Failed).Set(j => j.Error, reason).Unset(j => j.ConversionRetry),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public Task MarkExpiredAsync(JobId id, CancellationToken cancellationToken) =>
        jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.In(j => j.Status, [JobStatus.Done, JobStatus.Failed]),
            jobs.StatusChange(JobStatus.Expired),
            cancellationToken: cancellationToken);

    // Whole documents (small), not a projection of the ids: the stand-in answers that projection with more than the id.
    public async Task<IReadOnlyList<JobId>> FindPrunableAsync(DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        (await jobs.Documents.Find(PrunableBefore(cutoff)).Limit(limit).ToListAsync(cancellationToken)).Select(j => j.Id).ToList();

    public async Task<bool> PruneAsync(JobId id, DateTime cutoff, CancellationToken cancellationToken)
    {
        var result = await jobs.Documents.DeleteOneAsync(ById(id) & PrunableBefore(cutoff), cancellationToken);
        return result.DeletedCount == 1;
    }

    // Indexes { status: 1, changed_at: 1 } and, for jobs stored before changed_at existed, { status: 1, updated_at: 1 }.
    private static FilterDefinition<Job> PrunableBefore(DateTime cutoff) =>
        Filter.In(j => j.Status, [JobStatus.Expired, JobStatus.Deleted, JobStatus.Failed])
        & (Filter.Lt(j => j.ChangedAt, cutoff) | (Filter.Eq(j => j.ChangedAt, null) & Filter.Lt(j => j.UpdatedAt, cutoff)));

    // Index { status: 1, updated_at: 1 } (JobsCollection) serves the filter and the order.
    private FilterDefinition<Job> UnfinishedBefore(DateTime cutoff) =>
        Filter.In(j => j.Status, [JobStatus.Queued, JobStatus.Converting]) & Filter.Lt(j => j.UpdatedAt, cutoff) & NotHeldAt(jobs.Now);

    /// <summary>No converter holds the job at <paramref name="now"/>: never held (or let go), or its lease has run out.</summary>
    private static FilterDefinition<Job> NotHeldAt(DateTime now) =>
        Filter.Eq(j => j.LeaseUntil, null) | Filter.Lte(j => j.LeaseUntil, now);
}
