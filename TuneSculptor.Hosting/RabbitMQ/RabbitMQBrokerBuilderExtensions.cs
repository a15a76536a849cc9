using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RabbitMQ.Client;
using TuneSculptor.Hosting.Kubernetes;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.RabbitMQ;

public static class RabbitMQBrokerBuilderExtensions
{
    public const string PrimaryEndpointName = "tcp";
    public const string ManagementEndpointName = "management";
    public const string DefaultUserName = "tunesculptor";

    private const string LauncherFolder = "RabbitMQ";
    private const string Launcher = "rabbitmq.sh";

    /// <summary>Read by rabbitmq.sh (the host process), in milliseconds.</summary>
    private const string ConsumerTimeoutVariable = "RABBITMQ_CONSUMER_TIMEOUT_MS";

    /// <summary>Adds a RabbitMQ broker, as Aspire.Hosting.RabbitMQ's <c>AddRabbitMQ</c> does, always with the management UI.</summary>
    /// <param name="managementPort">Host port of the management UI; null for any free port.</param>
    public static IResourceBuilder<IRabbitMQBrokerResource> AddRabbitMQBroker(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int? managementPort = null,
        IResourceBuilder<ParameterResource>? password = null)
    {
        var passwordParameter = password?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");

        IResourceBuilder<IRabbitMQBrokerResource> server;
        if (builder.UsesContainers())
        {
            server = builder.AddResource(new RabbitMQBrokerContainerResource(name, DefaultUserName, passwordParameter))
                .WithInfrastructureImage(RabbitMQBrokerImage.Registry, RabbitMQBrokerImage.Image, RabbitMQBrokerImage.Tag, RabbitMQBrokerLocalImage.Image)
                .WithEndpoint(targetPort: RabbitMQBrokerImage.AmqpPort, name: PrimaryEndpointName)
                .WithHttpEndpoint(port: managementPort, targetPort: RabbitMQBrokerImage.ManagementPort, name: ManagementEndpointName)
                .WithEnvironment("RABBITMQ_DEFAULT_USER", DefaultUserName)
                .WithEnvironment("RABBITMQ_DEFAULT_PASS", ReferenceExpression.Create($"{passwordParameter}"));
        }
        else
        {
            server = builder.AddHostProcess(new RabbitMQBrokerProcessResource(
                    name, DefaultUserName, passwordParameter, HostProcesses.GetLauncherDirectory(LauncherFolder, Launcher)))
                .WithArgs(Launcher)
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
            .WithHttpHealthCheck("/", endpointName: ManagementEndpointName)
            .WithKubernetesForm(resource => new RabbitMQBrokerKubernetesForm(resource));
    }

    /// <summary>
    /// How long the broker lets a consumer hold a delivery unacknowledged before it closes the consumer's channel and
    /// gives the message to another (RabbitMQ's <c>consumer_timeout</c>, 30 min by default): set it above the longest
    /// job, or a long job is redelivered while it still runs. Set in every form: the host process's rabbitmq.conf, the
    /// container's command line (<c>RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS</c>), the Kubernetes ConfigMap's conf.d file.
    /// </summary>
    /// <remarks>
    /// A global setting rather than the <c>x-consumer-timeout</c> queue argument or <c>consumer-timeout</c> policy: those
    /// exist only from RabbitMQ 3.12, and Debian 12's broker (here, and in our images) is 3.10. A channel checks its
    /// consumers once per tick (60 s), so a timeout fires up to a minute late.
    /// </remarks>
    public static IResourceBuilder<IRabbitMQBrokerResource> WithConsumerTimeout(this IResourceBuilder<IRabbitMQBrokerResource> builder, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromSeconds(1));
        var milliseconds = ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        builder.WithAnnotation(new RabbitMQConsumerTimeoutAnnotation(timeout), ResourceAnnotationMutationBehavior.Replace);
        return builder.Resource is RabbitMQBrokerContainerResource
            // The node's application setting, on its command line: the official image (4.x) and ours (3.10) both pass
            // this variable to the node, and neither needs a file of ours for it.
            ? builder.WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", $"-rabbit consumer_timeout {milliseconds}")
            : builder.WithEnvironment(ConsumerTimeoutVariable, milliseconds);
    }

    public static IResourceBuilder<IRabbitMQBrokerResource> WithDataVolume(this IResourceBuilder<IRabbitMQBrokerResource> builder)
    {
        if (builder.Resource is RabbitMQBrokerContainerResource && builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            // The data folder is named after the node, and a local container's host name changes between runs
            // (a Kubernetes StatefulSet's does not).
            builder.WithEnvironment("RABBITMQ_NODENAME", $"{builder.Resource.Name}@localhost");
        }

        return builder.WithDataKeptAt(RabbitMQBrokerImage.DataPath);
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
