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

    public DateTime Now => _time.GetUtcNow().UtcDateTime;

    public static FilterDefinitionBuilder<Job> Filter => Builders<Job>.Filter;

    public static UpdateDefinitionBuilder<Job> Update => Builders<Job>.Update;

    public static FilterDefinition<Job> ById(JobId id) => Filter.Eq(j => j.Id, id);

    public async Task<Job?> FindAsync(JobId id, CancellationToken cancellationToken) =>
        await Documents.Find(ById(id)).FirstOrDefaultAsync(cancellationToken);
}
