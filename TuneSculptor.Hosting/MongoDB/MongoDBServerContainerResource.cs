namespace TuneSculptor.Hosting.MongoDB;

/// <param name="password">Root password; null for an image without authentication (the local stand-in).</param>
public sealed class MongoDBServerContainerResource(string name, ParameterResource? password) : ContainerResource(name), IMongoDBServerResource
{
    public ParameterResource? PasswordParameter { get; } = password;
}
