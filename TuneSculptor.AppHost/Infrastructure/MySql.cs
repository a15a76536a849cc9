using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace TuneSculptor.AppHost.Infrastructure;

/// <summary>A MySQL server: the official container, or MariaDB from the host's packages.</summary>
public interface IMySqlServerResource : IServerResource
{
    ParameterResource PasswordParameter { get; }

    /// <summary>Databases to create once the server is ready, by resource name.</summary>
    Dictionary<string, string> Databases { get; }

    EndpointReference PrimaryEndpoint => new(this, MySqlBuilderExtensions.PrimaryEndpointName);

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression => ReferenceExpression.Create(
        $"Server={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};User ID=root;Password={PasswordParameter}");
}

public sealed class MySqlContainerResource(string name, ParameterResource password) : ContainerResource(name), IMySqlServerResource
{
    public ParameterResource PasswordParameter { get; } = password;
    public Dictionary<string, string> Databases { get; } = [];
}

public sealed class MySqlProcessResource(string name, ParameterResource password, string workingDirectory)
    : ExecutableResource(name, "bash", workingDirectory), IMySqlServerResource
{
    public ParameterResource PasswordParameter { get; } = password;
    public Dictionary<string, string> Databases { get; } = [];
}

public sealed class MySqlDatabaseResource(string name, string databaseName, IMySqlServerResource parent)
    : Resource(name), IResourceWithParent<IMySqlServerResource>, IResourceWithConnectionString
{
    public IMySqlServerResource Parent { get; } = parent;
    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}

public static class MySqlBuilderExtensions
{
    public const string PrimaryEndpointName = "tcp";

    /// <summary>Adds a MySQL server (root user, generated password) like Aspire.Hosting.MySql's <c>AddMySql</c>.</summary>
    public static IResourceBuilder<IMySqlServerResource> AddMySql(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, IResourceBuilder<ParameterResource>? password = null)
    {
        var passwordParameter = password?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");

        IResourceBuilder<IMySqlServerResource> server = builder.UsesContainers()
            ? builder.AddResource(new MySqlContainerResource(name, passwordParameter))
                .WithImage("library/mysql", "8.4")
                .WithImageRegistry("docker.io")
                .WithEndpoint(targetPort: 3306, name: PrimaryEndpointName)
            : builder.AddHostProcess(new MySqlProcessResource(name, passwordParameter, builder.GetLauncherDirectory()))
                .WithArgs("mariadb.sh")
                .WithServerEndpoint(PrimaryEndpointName, "MYSQL_TCP_PORT");

        return server
            .WithEnvironment("MYSQL_ROOT_PASSWORD", ReferenceExpression.Create($"{passwordParameter}"))
            .WithIconName("Database")
            .WithConnectionHealthCheck(PingAsync)
            .OnResourceReady(CreateDatabasesAsync);
    }

    public static IResourceBuilder<IMySqlServerResource> WithDataVolume(this IResourceBuilder<IMySqlServerResource> builder) =>
        builder.WithDataKeptAt("/var/lib/mysql");

    /// <summary>Adds a database, created when the server is ready; its connection string names it.</summary>
    public static IResourceBuilder<MySqlDatabaseResource> AddDatabase(
        this IResourceBuilder<IMySqlServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        databaseName ??= name;
        if (!databaseName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new DistributedApplicationException($"MySQL database name '{databaseName}' must be letters, digits and '_' only.");
        }

        builder.Resource.Databases[name] = databaseName;
        return builder.ApplicationBuilder
            .AddResource(new MySqlDatabaseResource(name, databaseName, builder.Resource))
            .WithIconName("DatabaseStack")
            .WithStateOfParent()
            .WithConnectionHealthCheck(PingAsync);
    }

    private static async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        // No pooling: a pooled connection could outlive the server and hide that it went away.
        var settings = new MySqlConnectionStringBuilder(connectionString) { Pooling = false, ConnectionTimeout = 5 };
        await using var connection = new MySqlConnection(settings.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        if (!await connection.PingAsync(cancellationToken))
        {
            throw new InvalidOperationException("The server did not answer a ping.");
        }
    }

    private static async Task CreateDatabasesAsync(IMySqlServerResource server, ResourceReadyEvent readyEvent, CancellationToken cancellationToken)
    {
        var logger = readyEvent.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
        var connectionString = await server.GetConnectionStringAsync(cancellationToken)
            ?? throw new InvalidOperationException($"'{server.Name}' has no connection string.");
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var databaseName in server.Databases.Values)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE IF NOT EXISTS `{databaseName}`";
            await command.ExecuteNonQueryAsync(cancellationToken);
            logger.LogInformation("Database {Database} is ready", databaseName);
        }
    }
}
