using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MongoDB;

/// <summary>
/// The image built here when the official one cannot be pulled (eng/images/mongo-standin): the repository's MongoDB
/// stand-in (tools/mongo-standin), port and data folder as in the official image. It has no authentication, so the
/// model gives it no root user and connects without credentials.
/// </summary>
internal static class MongoDBServerLocalImage
{
    public static LocalContainerImage Image { get; } = new("mongo-standin", "tunesculptor/mongo-standin", "1.0.0");
}
