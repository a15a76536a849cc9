using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MySql;

public sealed class MySqlServerProcessResource(string name, ParameterResource password, string workingDirectory)
    : ExecutableResource(name, "bash", workingDirectory), IMySqlServerResource
{
    private readonly Dictionary<string, string> _databases = [];

    public ParameterResource PasswordParameter { get; } = password;

    public IReadOnlyDictionary<string, string> Databases => _databases;

    void IMySqlServerResource.AddDatabase(string name, string databaseName) => _databases.Add(name, databaseName);
}
