using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MongoDB;

public sealed class MongoDBServerDatabaseResource(string name, string databaseName, IMongoDBServerResource parent)
    : Resource(name), IResourceWithParent<IMongoDBServerResource>, IServerDatabaseResource
{
    public IMongoDBServerResource Parent { get; } = parent;
    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => Parent.BuildConnectionString(DatabaseName);
}
