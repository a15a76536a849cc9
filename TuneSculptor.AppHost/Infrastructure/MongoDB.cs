using Aspire.Hosting.ApplicationModel;
using MongoDB.Bson;
using MongoDB.Driver;

namespace TuneSculptor.AppHost.Infrastructure;

/// <summary>
/// A MongoDB server: the official container (with a root user), or a host process bound to loopback without
/// authentication (a `mongod` on PATH, else the stand-in, which cannot do SCRAM).
/// </summary>
public interface IMongoDBServerResource : IServerResource
{
    /// <summary>Root password, or null when the server runs without authentication.</summary>
    ParameterResource? PasswordParameter { get; }

    EndpointReference PrimaryEndpoint => new(this, MongoDBBuilderExtensions.PrimaryEndpointName);

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression => BuildConnectionString(databaseName: null);

    ReferenceExpression BuildConnectionString(string? databaseName)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral("mongodb://");
        if (PasswordParameter is not null)
        {
            builder.Append($"{MongoDBBuilderExtensions.RootUserName}:{PasswordParameter:uri}@");
        }

        builder.Append($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}/{databaseName ?? ""}");
        // One server, not a replica set: connect to it directly.
        builder.AppendLiteral(PasswordParameter is null ? "?directConnection=true" : "?authSource=admin&directConnection=true");
        return builder.Build();
    }
}

public sealed class MongoDBContainerResource(string name, ParameterResource password) : ContainerResource(name), IMongoDBServerResource
{
    public ParameterResource? PasswordParameter { get; } = password;
}

public sealed class MongoDBProcessResource(string name, string workingDirectory)
    : ExecutableResource(name, "bash", workingDirectory), IMongoDBServerResource
{
    public ParameterResource? PasswordParameter => null;
}

public sealed class MongoDBDatabaseResource(string name, string databaseName, IMongoDBServerResource parent)
    : Resource(name), IResourceWithParent<IMongoDBServerResource>, IResourceWithConnectionString
{
    public IMongoDBServerResource Parent { get; } = parent;
    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => Parent.BuildConnectionString(DatabaseName);
}

public static class MongoDBBuilderExtensions
{
    public const string PrimaryEndpointName = "tcp";
    public const string RootUserName = "admin";

    /// <summary>Adds a MongoDB server like Aspire.Hosting.MongoDB's <c>AddMongoDB</c>.</summary>
    public static IResourceBuilder<IMongoDBServerResource> AddMongoDB(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        IResourceBuilder<IMongoDBServerResource> server;
        if (builder.UsesContainers())
        {
            var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
            server = builder.AddResource(new MongoDBContainerResource(name, password))
                .WithImage("library/mongo", "8.0")
                .WithImageRegistry("docker.io")
                .WithEndpoint(targetPort: 27017, name: PrimaryEndpointName)
                .WithEnvironment("MONGO_INITDB_ROOT_USERNAME", RootUserName)
                .WithEnvironment("MONGO_INITDB_ROOT_PASSWORD", ReferenceExpression.Create($"{password}"));
        }
        else
        {
            server = builder.AddHostProcess(new MongoDBProcessResource(name, builder.GetLauncherDirectory()))
                .WithArgs("mongodb.sh")
                .WithEnvironment("MONGO_STANDIN_DIR", Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "tools", "mongo-standin")))
                .WithServerEndpoint(PrimaryEndpointName, "MONGODB_PORT");
        }

        return server
            .WithIconName("Database")
            .WithConnectionHealthCheck(PingAsync);
    }

    public static IResourceBuilder<IMongoDBServerResource> WithDataVolume(this IResourceBuilder<IMongoDBServerResource> builder) =>
        builder.WithDataKeptAt("/data/db");

    /// <summary>Adds a database; MongoDB creates it on first write, so it is ready when the server is.</summary>
    public static IResourceBuilder<MongoDBDatabaseResource> AddDatabase(
        this IResourceBuilder<IMongoDBServerResource> builder, [ResourceName] string name, string? databaseName = null) =>
        builder.ApplicationBuilder
            .AddResource(new MongoDBDatabaseResource(name, databaseName ?? name, builder.Resource))
            .WithIconName("DatabaseStack")
            .WithStateOfParent()
            .WithConnectionHealthCheck(PingAsync);

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
