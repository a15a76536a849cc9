using MongoDB.Driver;

namespace TuneSculptor.Storage;

/// <summary>Tells a failure of the store (MongoDB, GridFS) from others, for the words a user reads about a retry.</summary>
public static class StorageFailures
{
    /// <summary>What a user reads while a job waits for its store to come back.</summary>
    public const string Unavailable = "storage unavailable";

    /// <summary>
    /// MongoDB's: a server error or an unreachable server (the driver's own <see cref="MongoException"/>s, and the
    /// <see cref="TimeoutException"/> it throws when no server could be selected in time).
    /// </summary>
    public static bool IsStorageFailure(Exception failure) =>
        failure is MongoException || (failure is TimeoutException && failure.Source == typeof(MongoException).Assembly.GetName().Name);
}
