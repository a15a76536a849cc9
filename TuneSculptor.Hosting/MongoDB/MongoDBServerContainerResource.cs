namespace TuneSculptor.Hosting.MongoDB;

/// <param name="password">Root password; null for an image without authentication (the local stand-in).</param>
public sealed class MongoDBServerContainerResource(string name, ParameterResource? password) : ContainerResource(name), IMongoDBServerResource
{
    private readonly Dictionary<string, string> _databases = [];

    public ParameterResource? PasswordParameter { get; } = password;

    public IReadOnlyDictionary<string, string> Databases => _databases;

    void IMongoDBServerResource.AddDatabase(string name, string databaseName) => _databases.Add(name, databaseName);
}
