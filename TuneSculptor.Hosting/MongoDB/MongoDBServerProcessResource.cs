namespace TuneSculptor.Hosting.MongoDB;

public sealed class MongoDBServerProcessResource(string name, string workingDirectory)
    : ExecutableResource(name, "bash", workingDirectory), IMongoDBServerResource
{
    public ParameterResource? PasswordParameter => null;
}
