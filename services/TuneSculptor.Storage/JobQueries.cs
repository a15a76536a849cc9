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
        var mine = Filter.Eq(j => j.OwnerId, ownerId);
        var total = await jobs.Documents.CountDocumentsAsync(mine, cancellationToken: cancellationToken);
        var found = await jobs.Documents.Find(mine)
            .SortByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            // Callers bound the page (the gateway: JobEndpoints.MaxPage); past an int, fail rather than wrap around.
            .Skip(checked((page - 1) * pageSize))
            .Limit(pageSize)
            .ToListAsync(cancellationToken);
        return (found, total);
    }
}
