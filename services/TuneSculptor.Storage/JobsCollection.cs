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

    /// <summary>A change its owner sees but not of the conversion's status (progress, deletion): changed_at, now.</summary>
    public UpdateDefinition<Job> Change() => Update.Set(j => j.ChangedAt, Now);

    /// <summary>The conversion's status, now: updated_at (the retention sweep's clock) and changed_at alike.</summary>
    public UpdateDefinition<Job> StatusChange(string status) => StatusChange(status, Now);

    /// <summary>The conversion's status as of <paramref name="now"/> (a time the caller's filter goes by too).</summary>
    public static UpdateDefinition<Job> StatusChange(string status, DateTime now) =>
        Update.Set(j => j.Status, status).Set(j => j.UpdatedAt, now).Set(j => j.ChangedAt, now);

    public async Task<Job?> FindAsync(JobId id, CancellationToken cancellationToken) =>
        await Documents.Find(ById(id)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The indexes the per-owner stores' queries need (every query by <c>_id</c> has MongoDB's own). Idempotent.
    /// <list type="bullet">
    /// <item>owner, newest first: the gateway's page of a user's jobs (GET /jobs, and its count by owner), the event
    /// stream's first look;</item>
    /// <item>owner and changed_at: the event stream's look at what changed since, each tick;</item>
    /// <item>status and updated_at: the converter's sweep of abandoned jobs, oldest first (and pruning of jobs stored
    /// before changed_at existed);</item>
    /// <item>status and changed_at: the converter's pruning of jobs finished with;</item>
    /// <item>mp3: the gateway's check of a download link, which names only the file.</item>
    /// </list>
    /// </summary>
    public Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var keys = Builders<Job>.IndexKeys;
        return Documents.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<Job>(keys.Ascending(j => j.OwnerId).Descending(j => j.CreatedAt).Descending(j => j.Id)),
            new CreateIndexModel<Job>(keys.Ascending(j => j.OwnerId).Ascending(j => j.ChangedAt)),
            new CreateIndexModel<Job>(keys.Ascending(j => j.Status).Ascending(j => j.UpdatedAt)),
            new CreateIndexModel<Job>(keys.Ascending(j => j.Status).Ascending(j => j.ChangedAt)),
            new CreateIndexModel<Job>(keys.Ascending(j => j.Mp3FileId)),
        ], cancellationToken);
    }
}
