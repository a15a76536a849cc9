using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>
/// Every index this library's queries and uniqueness need, created explicitly rather than left to chance: the MongoDB
/// stand-in the tests run on answers unindexed queries just as fast and does not enforce unique secondary indexes,
/// so nothing here may depend on an index existing by accident.
/// </summary>
public static class StorageIndexes
{
    /// <summary>Creates what is missing; an index that exists with the same keys and options is left as it is.</summary>
    public static async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        // Through the stores' own types, which register the JobId serializer before the driver maps a Job: mapped
        // first, the driver would pick a default serializer for JobId and refuse ours afterwards.
        await new JobsCollection(database, TimeProvider.System).CreateIndexesAsync(cancellationToken);
        await new MediaStore(database).CreateIndexesAsync(cancellationToken);
        await UserLimitIndexes.CreateAsync(database, cancellationToken);
    }
}
