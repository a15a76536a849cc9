namespace TuneSculptor.Hosting.MongoDB;

/// <summary>
/// The official MongoDB image and where things are in it: the container form, its data volume and the Kubernetes
/// form all read them from here.
/// </summary>
internal static class MongoDBServerImage
{
    public const string Registry = "docker.io";

    public const string Image = "library/mongo";

    /// <summary>
    /// MongoDB 8.0, pinned in full: the newest 8.0 release listed in docker-library/official-images
    /// (<c>library/mongo</c>, 2026-08-21: <c>8.0.29</c>, Ubuntu noble on Linux).
    /// </summary>
    public const string Tag = "8.0.29";

    /// <summary>The port the server listens on in the container.</summary>
    public const int Port = 27017;

    /// <summary>The server's data folder in the container.</summary>
    public const string DataPath = "/data/db";
}
