using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using TuneSculptor.Hosting.Kubernetes;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MySql;

public static class MySqlServerBuilderExtensions
{
    public const string PrimaryEndpointName = "tcp";

    private const string LauncherFolder = "MySql";
    private const string Launcher = "mariadb.sh";

    /// <summary>
    /// Adds a MySQL-protocol server (root user, generated password), as Aspire.Hosting.MySql's <c>AddMySql</c> does:
    /// MariaDB in every form (<see cref="MySqlServerImage"/>), reached with MySqlConnector.
    /// </summary>
    public static IResourceBuilder<IMySqlServerResource> AddMySqlServer(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, IResourceBuilder<ParameterResource>? password = null)
    {
        var passwordParameter = password?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");

        IResourceBuilder<IMySqlServerResource> server = builder.UsesContainers()
            ? builder.AddResource(new MySqlServerContainerResource(name, passwordParameter))
                .WithInfrastructureImage(MySqlServerImage.Registry, MySqlServerImage.Image, MySqlServerImage.Tag, MySqlServerLocalImage.Image)
                .WithEndpoint(targetPort: MySqlServerImage.SqlPort, name: PrimaryEndpointName)
            : builder.AddHostProcess(new MySqlServerProcessResource(name, passwordParameter, HostProcesses.GetLauncherDirectory(LauncherFolder, Launcher)))
                .WithArgs(Launcher)
                .WithServerEndpoint(PrimaryEndpointName, "MYSQL_TCP_PORT");

        return server
            .WithEnvironment(MySqlServerImage.RootPasswordVariable, ReferenceExpression.Create($"{passwordParameter}"))
            .WithIconName("Database")
            .WithConnectionHealthCheck(PingAsync)
            .OnResourceReady(CreateDatabasesAsync)
            .WithKubernetesForm(resource => new MySqlServerKubernetesForm(resource));
    }

    public static IResourceBuilder<IMySqlServerResource> WithDataVolume(this IResourceBuilder<IMySqlServerResource> builder) =>
        builder.WithDataKeptAt(MySqlServerImage.DataPath);

    /// <summary>Adds a database, created when the server is ready; its connection string names it.</summary>
    public static IResourceBuilder<MySqlServerDatabaseResource> AddDatabase(
        this IResourceBuilder<IMySqlServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        databaseName ??= name;
        if (!databaseName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new DistributedApplicationException($"MySQL database name '{databaseName}' must be letters, digits and '_' only.");
        }

        var database = builder.ApplicationBuilder.AddResource(new MySqlServerDatabaseResource(name, databaseName, builder.Resource));
        builder.Resource.AddDatabase(name, databaseName);
        return database
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
