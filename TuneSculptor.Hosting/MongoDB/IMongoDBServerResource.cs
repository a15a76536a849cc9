using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MongoDB;

/// <summary>
/// A MongoDB server: the official container (with a root user), or a host process bound to loopback without
/// authentication (a `mongod` on PATH, else the stand-in, which cannot do SCRAM).
/// </summary>
public interface IMongoDBServerResource : IServerResource
{
    /// <summary>Root password, or null when the server runs without authentication.</summary>
    ParameterResource? PasswordParameter { get; }

    /// <summary>The server's databases: database name by resource name.</summary>
    IReadOnlyDictionary<string, string> Databases { get; }

    /// <summary>Only <see cref="MongoDBServerBuilderExtensions.AddDatabase"/> adds one, along with its resource.</summary>
    internal void AddDatabase(string name, string databaseName);

    EndpointReference PrimaryEndpoint => new(this, MongoDBServerBuilderExtensions.PrimaryEndpointName);

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression => BuildConnectionString(databaseName: null);

    ReferenceExpression BuildConnectionString(string? databaseName)
    {
        var builder = new ReferenceExpressionBuilder();
        builder.AppendLiteral("mongodb://");
        if (PasswordParameter is not null)
        {
            builder.Append($"{MongoDBServerBuilderExtensions.RootUserName}:{PasswordParameter:uri}@");
        }

        builder.Append($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}/{databaseName ?? ""}");
        // One server, not a replica set: connect to it directly.
        builder.AppendLiteral(PasswordParameter is null ? "?directConnection=true" : "?authSource=admin&directConnection=true");
        return builder.Build();
    }
}
