using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Hosting.Kubernetes;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MongoDB;

public static class MongoDBServerBuilderExtensions
{
    public const string PrimaryEndpointName = "tcp";
    public const string RootUserName = "admin";

    private const string LauncherFolder = "MongoDB";
    private const string Launcher = "mongodb.sh";

    /// <summary>Adds a MongoDB server, as Aspire.Hosting.MongoDB's <c>AddMongoDB</c> does.</summary>
    public static IResourceBuilder<IMongoDBServerResource> AddMongoDBServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        IResourceBuilder<IMongoDBServerResource> server;
        if (builder.UsesContainers())
        {
            // The local image is the stand-in, which has no authentication: no root user, no credentials.
            var password = builder.UsesLocalImages()
                ? null
                : ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
            var container = builder.AddResource(new MongoDBServerContainerResource(name, password))
                .WithInfrastructureImage(MongoDBServerImage.Registry, MongoDBServerImage.Image, MongoDBServerImage.Tag, MongoDBServerLocalImage.Image)
                .WithEndpoint(targetPort: MongoDBServerImage.Port, name: PrimaryEndpointName);
            if (password is not null)
            {
                container
                    .WithEnvironment("MONGO_INITDB_ROOT_USERNAME", RootUserName)
                    .WithEnvironment("MONGO_INITDB_ROOT_PASSWORD", ReferenceExpression.Create($"{password}"));
            }

            server = container;
        }
        else
        {
            server = builder.AddHostProcess(new MongoDBServerProcessResource(name, HostProcesses.GetLauncherDirectory(LauncherFolder, Launcher)))
                .WithArgs(Launcher)
                .WithEnvironment("MONGO_STANDIN_DIR", Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "tools", "mongo-standin")))
                .WithServerEndpoint(PrimaryEndpointName, "MONGODB_PORT");
        }

        return server
            .WithIconName("Database")
            .WithConnectionHealthCheck(PingAsync)
            .WithKubernetesForm(resource => new MongoDBServerKubernetesForm(resource));
    }

    public static IResourceBuilder<IMongoDBServerResource> WithDataVolume(this IResourceBuilder<IMongoDBServerResource> builder) =>
        builder.WithDataKeptAt(MongoDBServerImage.DataPath);

    /// <summary>Adds a database; MongoDB creates it on first write, so it is ready when the server is.</summary>
    public static IResourceBuilder<MongoDBServerDatabaseResource> AddDatabase(
        this IResourceBuilder<IMongoDBServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        builder.Resource.AddDatabase(name, databaseName ?? name);
        return builder.ApplicationBuilder
            .AddResource(new MongoDBServerDatabaseResource(name, databaseName ?? name, builder.Resource))
            .WithIconName("DatabaseStack")
            .WithStateOfParent()
            .WithConnectionHealthCheck(PingAsync);
    }

    private static async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(3);
        settings.ConnectTimeout = TimeSpan.FromSeconds(3);
        using var client = new MongoClient(settings);
        var databaseName = MongoUrl.Create(connectionString).DatabaseName ?? "admin";
        await client.GetDatabase(databaseName).RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
    }
}
