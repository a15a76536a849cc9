namespace TuneSculptor.Hosting.MongoDB;

public sealed class MongoDBServerProcessResource(string name, string workingDirectory)
    : ExecutableResource(name, "bash", workingDirectory), IMongoDBServerResource
{
    private readonly Dictionary<string, string> _databases = [];

    public ParameterResource? PasswordParameter => null;

    public IReadOnlyDictionary<string, string> Databases => _databases;

    void IMongoDBServerResource.AddDatabase(string name, string databaseName) => _databases.Add(name, databaseName);
}
