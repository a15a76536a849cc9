using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.MySql;

/// <summary>
/// A MySQL-protocol server, MariaDB in every form: the official <c>mariadb</c> container, or <c>mariadbd</c> from the
/// host's packages.
/// </summary>
public interface IMySqlServerResource : IServerResource
{
    ParameterResource PasswordParameter { get; }

    /// <summary>Databases to create once the server is ready: database name by resource name.</summary>
    IReadOnlyDictionary<string, string> Databases { get; }

    EndpointReference PrimaryEndpoint => new(this, MySqlServerBuilderExtensions.PrimaryEndpointName);

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression => ReferenceExpression.Create(
        $"Server={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};User ID=root;Password={PasswordParameter}");

    /// <summary>Only <see cref="MySqlServerBuilderExtensions.AddDatabase"/> adds one, along with its resource.</summary>
    internal void AddDatabase(string name, string databaseName);
}
