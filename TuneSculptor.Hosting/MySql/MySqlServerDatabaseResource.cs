using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MySql;

public sealed class MySqlServerDatabaseResource(string name, string databaseName, IMySqlServerResource parent)
    : Resource(name), IResourceWithParent<IMySqlServerResource>, IServerDatabaseResource
{
    public IMySqlServerResource Parent { get; } = parent;
    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
