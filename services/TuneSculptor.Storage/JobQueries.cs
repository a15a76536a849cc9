using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;
using static TuneSculptor.Storage.JobsCollection;

namespace TuneSculptor.Storage;

internal sealed class JobQueries(JobsCollection jobs) : IJobQueries
{
    public async Task<Job?> FindForOwnerAsync(JobId id, string ownerId, CancellationToken cancellationToken) =>
        await jobs.Documents.Find(ById(id) & Filter.Eq(j => j.OwnerId, ownerId)).FirstOrDefaultAsync(cancellationToken);

    public async Task<Job?> FindByMp3Async(ObjectId mp3FileId, CancellationToken cancellationToken) =>
        await jobs.Documents.Find(Filter.Eq(j => j.Mp3FileId, mp3FileId)).FirstOrDefaultAsync(cancellationToken);

    public async Task<(IReadOnlyList<Job> Jobs, long Total)> ListForOwnerAsync(string ownerId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var total = await jobs.Documents.CountDocumentsAsync(Filter.Eq(j => j.OwnerId, ownerId), cancellationToken: cancellationToken);
        var found = await NewestFirst(ownerId)
            // Callers bound the page (the gateway: JobEndpoints.MaxPage); past an int, fail rather than wrap around.
            .Skip(checked((page - 1) * pageSize))
            .Limit(pageSize)
            .ToListAsync(cancellationToken);
        return (found, total);
    }

    public async Task<IReadOnlyList<Job>> NewestForOwnerAsync(string ownerId, int limit, CancellationToken cancellationToken) =>
        await NewestFirst(ownerId).Limit(limit).ToListAsync(cancellationToken);

    // Index { owner_id: 1, changed_at: 1 } (JobsCollection) serves the filter on both and the order; created_at is
    // checked on the few documents it yields.
    public async Task<IReadOnlyList<Job>> ChangedForOwnerAsync(
        string ownerId, DateTime changedSince, DateTime? createdFrom, CancellationToken cancellationToken)
    {
        var changed = Filter.Eq(j => j.OwnerId, ownerId) & Filter.Gte(j => j.ChangedAt, changedSince);
        if (createdFrom is { } from)
        {
            changed &= Filter.Gte(j => j.CreatedAt, from);
        }

        return await jobs.Documents.Find(changed).SortBy(j => j.ChangedAt).ToListAsync(cancellationToken);
    }

    // Index { owner_id: 1, created_at: -1, _id: -1 } (JobsCollection) serves the filter and the order.
    private IFindFluent<Job, Job> NewestFirst(string ownerId) =>
        jobs.Documents.Find(Filter.Eq(j => j.OwnerId, ownerId)).SortByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id);
}
