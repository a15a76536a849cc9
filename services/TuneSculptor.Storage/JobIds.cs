using MongoDB.Bson;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>Job ids are ObjectIds in the database, <see cref="JobId"/> everywhere else.</summary>
public static class JobIds
{
    /// <summary>
    /// The one place job ids are minted. An ObjectId starts with its creation time, so the jobs collection can
    /// break ties between jobs created in the same instant by id.
    /// </summary>
    public static JobId New() => ToJobId(ObjectId.GenerateNewId());

    internal static JobId ToJobId(ObjectId id) => JobId.Parse(id.ToString());

    internal static ObjectId ToObjectId(JobId id) => ObjectId.Parse(id.ToString());
}
