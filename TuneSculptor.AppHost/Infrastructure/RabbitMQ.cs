using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using RabbitMQ.Client;

namespace TuneSculptor.AppHost.Infrastructure;

/// <summary>A RabbitMQ broker with the management plugin: the official container, or the host's rabbitmq-server.</summary>
public interface IRabbitMQServerResource : IServerResource
{
    string UserName { get; }
    ParameterResource PasswordParameter { get; }

    EndpointReference PrimaryEndpoint => new(this, RabbitMQBuilderExtensions.PrimaryEndpointName);

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            builder.AppendLiteral($"amqp://{Uri.EscapeDataString(UserName)}:");
            builder.Append($"{PasswordParameter:uri}@{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
            return builder.Build();
        }
    }
}

public sealed class RabbitMQContainerResource(string name, string userName, ParameterResource password)
    : ContainerResource(name), IRabbitMQServerResource
{
    public string UserName { get; } = userName;
    public ParameterResource PasswordParameter { get; } = password;
}

public sealed class RabbitMQProcessResource(string name, string userName, ParameterResource password, string workingDirectory)
    : ExecutableResource(name, "bash", workingDirectory), IRabbitMQServerResource
{
    public string UserName { get; } = userName;
    public ParameterResource PasswordParameter { get; } = password;
}

public static class RabbitMQBuilderExtensions
{
    public const string PrimaryEndpointName = "tcp";
    public const string ManagementEndpointName = "management";
    public const string DefaultUserName = "tunesculptor";

    /// <summary>Adds a RabbitMQ broker like Aspire.Hosting.RabbitMQ's <c>AddRabbitMQ</c>, always with the management UI.</summary>
    /// <param name="managementPort">Host port of the management UI; null for any free port.</param>
    public static IResourceBuilder<IRabbitMQServerResource> AddRabbitMQ(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int? managementPort = null,
        IResourceBuilder<ParameterResource>? password = null)
    {
        var passwordParameter = password?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");

        IResourceBuilder<IRabbitMQServerResource> server;
        if (builder.UsesContainers())
        {
            server = builder.AddResource(new RabbitMQContainerResource(name, DefaultUserName, passwordParameter))
                .WithImage("library/rabbitmq", "4-management")
                .WithImageRegistry("docker.io")
                .WithEndpoint(targetPort: 5672, name: PrimaryEndpointName)
                .WithHttpEndpoint(port: managementPort, targetPort: 15672, name: ManagementEndpointName)
                .WithEnvironment("RABBITMQ_DEFAULT_USER", DefaultUserName)
                .WithEnvironment("RABBITMQ_DEFAULT_PASS", ReferenceExpression.Create($"{passwordParameter}"));
        }
        else
        {
            server = builder.AddHostProcess(new RabbitMQProcessResource(name, DefaultUserName, passwordParameter, builder.GetLauncherDirectory()))
                .WithArgs("rabbitmq.sh")
                .WithServerEndpoint(PrimaryEndpointName, "AMQP_PORT")
                .WithServerEndpoint(ManagementEndpointName, "MANAGEMENT_PORT", managementPort, scheme: "http")
                // Erlang distribution and its port mapper: the node's own business, but on private ports so that
                // several nodes (and other sessions' nodes) can share the machine.
                .WithServerEndpoint("distribution", "DIST_PORT")
                .WithServerEndpoint("epmd", "EPMD_PORT")
                .WithInternalEndpointUrl("distribution")
                .WithInternalEndpointUrl("epmd")
                .WithEnvironment("RABBITMQ_USER", DefaultUserName)
                .WithEnvironment(async context =>
                {
                    var password = await passwordParameter.GetValueAsync(context.CancellationToken)
                        ?? throw new InvalidOperationException($"Parameter '{passwordParameter.Name}' has no value.");
                    context.EnvironmentVariables["RABBITMQ_PASSWORD_HASH"] = HashPassword(password);
                });
        }

        return server
            .WithIconName("Mail")
            .WithConnectionHealthCheck(ConnectAsync)
            .WithHttpHealthCheck("/", endpointName: ManagementEndpointName);
    }

    public static IResourceBuilder<IRabbitMQServerResource> WithDataVolume(this IResourceBuilder<IRabbitMQServerResource> builder)
    {
        if (builder.Resource is RabbitMQContainerResource && builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            // The data folder is named after the node, and a local container's host name changes between runs
            // (a Kubernetes StatefulSet's does not).
            builder.WithEnvironment("RABBITMQ_NODENAME", $"{builder.Resource.Name}@localhost");
        }

        return builder.WithDataKeptAt("/var/lib/rabbitmq");
    }

    private static async Task ConnectAsync(string connectionString, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(connectionString),
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
        };
        await using var connection = await factory.CreateConnectionAsync("apphost-health-check", cancellationToken);
        await connection.CloseAsync(cancellationToken);
    }

    /// <summary>
    /// RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64(salt ‖ SHA-256(salt ‖ password)) with a 4-byte salt,
    /// so the host-process broker can import the user at boot without the password in its files.
    /// </summary>
    internal static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        var salted = salt.Concat(Encoding.UTF8.GetBytes(password)).ToArray();
        return Convert.ToBase64String([.. salt, .. SHA256.HashData(salted)]);
    }
}
