using TuneSculptor.Hosting.MongoDB;
using TuneSculptor.Hosting.MySql;
using TuneSculptor.Hosting.RabbitMQ;

namespace TuneSculptor.Testing;

/// <summary>
/// One server of TuneSculptor.Hosting on its own, for tests that need nothing else (messaging against RabbitMQ, auth
/// against MariaDB, storage against the MongoDB stand-in): a model of just that server, run as the whole system is
/// (a host process, a private data folder, free ports). Started means healthy; it can be stopped and started again
/// (a restart, on the same port and data); disposing it stops the server and deletes its data.
/// </summary>
public sealed class SingleServer : IAsyncDisposable
{
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(2);

    private readonly string _serverName;

    private SingleServer(HostProcessSystem system, string serverName, string connectionString)
    {
        System = system;
        _serverName = serverName;
        ConnectionString = connectionString;
    }

    /// <summary>The server's model, running: for its logs, or to stop and start it.</summary>
    public HostProcessSystem System { get; }

    /// <summary>The connection string a service would be given (of the database, for a database server).</summary>
    public string ConnectionString { get; }

    /// <summary>A RabbitMQ broker (resource <c>rabbitmq</c>) with the management plugin.</summary>
    public static Task<SingleServer> StartRabbitMQAsync(CancellationToken cancellationToken) =>
        StartRabbitMQAsync(_ => { }, cancellationToken);

    /// <summary>A RabbitMQ broker as <paramref name="configure"/> sets it up (a short consumer timeout, say).</summary>
    public static Task<SingleServer> StartRabbitMQAsync(Action<IResourceBuilder<IRabbitMQBrokerResource>> configure, CancellationToken cancellationToken) =>
        StartAsync("rabbitmq", "rabbitmq", builder => configure(builder.AddRabbitMQBroker("rabbitmq")), cancellationToken);

    /// <summary>A MariaDB server (resource <c>mysql</c>) with the database <paramref name="database"/>, named after it.</summary>
    public static Task<SingleServer> StartMySqlAsync(string database, CancellationToken cancellationToken) =>
        StartAsync("mysql", database, builder => builder.AddMySqlServer("mysql").AddDatabase(database), cancellationToken);

    /// <summary>The MongoDB stand-in, or a <c>mongod</c> on PATH (resource <c>mongodb</c>), with the database <paramref name="database"/>.</summary>
    public static Task<SingleServer> StartMongoDBAsync(string database, CancellationToken cancellationToken) =>
        StartAsync("mongodb", database, builder => builder.AddMongoDBServer("mongodb").AddDatabase(database), cancellationToken);

    /// <summary>Stops the server (SIGTERM, as the AppHost stops it) and returns once it has exited; its data stays.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => System.StopAsync(_serverName, cancellationToken);

    /// <summary>Starts the stopped server again, on the same port and data, and returns once it is healthy.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => System.StartAgainAsync(_serverName, RestartTimeout, cancellationToken);

    private static async Task<SingleServer> StartAsync(
        string serverName, string connectionResource, Action<IDistributedApplicationTestingBuilder> addServer, CancellationToken cancellationToken)
    {
        var system = await HostProcessSystem.StartAsync(
            (args, _) =>
            {
                // Called here, so that Aspire finds DCP through this assembly's metadata. Rooted in the AppHost's
                // folder, like the whole model: servers find what they run beside it (tools/mongo-standin).
                var builder = DistributedApplicationTestingBuilder.Create(args, (options, _) =>
                {
                    options.DisableDashboard = true;
                    options.ProjectDirectory = Repository.PathTo("TuneSculptor.AppHost");
                });
                addServer(builder);
                return Task.FromResult(builder);
            },
            configure: null, $"tunesculptor-{connectionResource}-", cancellationToken);
        try
        {
            await system.WaitForHealthyAsync(cancellationToken);
            return new SingleServer(system, serverName, await system.GetConnectionStringAsync(connectionResource, cancellationToken));
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => System.DisposeAsync();
}
