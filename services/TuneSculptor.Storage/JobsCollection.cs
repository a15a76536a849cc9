using MongoDB.Driver;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>The one <c>jobs</c> collection and the clock its timestamps come from, shared by the per-owner stores.</summary>
internal sealed class JobsCollection
{
    private readonly TimeProvider _time;

    public JobsCollection(IMongoDatabase database, TimeProvider time)
    {
        JobIdSerializer.Register();
        Documents = database.GetCollection<Job>("jobs");
        _time = time;
    }

    public IMongoCollection<Job> Documents { get; }

    /// <summary>Now, to the millisecond: what a BSON date holds, so a job returned equals the job stored.</summary>
    public DateTime Now
    {
        get
        {
            var now = _time.GetUtcNow().UtcDateTime;
            return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        }
    }

    public static FilterDefinitionBuilder<Job> Filter => Builders<Job>.Filter;

    public static UpdateDefinitionBuilder<Job> Update => Builders<Job>.Update;

    public static FilterDefinition<Job> ById(JobId id) => Filter.Eq(j => j.Id, id);

    public async Task<Job?> FindAsync(JobId id, CancellationToken cancellationToken) =>
        await Documents.Find(ById(id)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The indexes the per-owner stores' queries need: a user's jobs newest first (the gateway's list, paged), and
    /// the unfinished jobs oldest first (the converter's sweep of abandoned jobs), and a job by its mp3 (the gateway's
    /// check of a download link). Idempotent.
    /// </summary>
    public Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var keys = Builders<Job>.IndexKeys;
        return Documents.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<Job>(keys.Ascending(j => j.OwnerId).Descending(j => j.CreatedAt).Descending(j => j.Id)),
            new CreateIndexModel<Job>(keys.Ascending(j => j.Status).Ascending(j => j.UpdatedAt)),
            new CreateIndexModel<Job>(keys.Ascending(j => j.Mp3FileId)),
        ], cancellationToken);
    }
}
