namespace TuneSculptor.Hosting.MongoDB;

public sealed class MongoDBServerContainerResource(string name, ParameterResource password) : ContainerResource(name), IMongoDBServerResource
{
    public ParameterResource? PasswordParameter { get; } = password;
}
