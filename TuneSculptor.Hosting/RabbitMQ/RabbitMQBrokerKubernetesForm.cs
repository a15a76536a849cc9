using k8s;
using k8s.Models;
using TuneSculptor.Hosting.Kubernetes;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.RabbitMQ;

/// <summary>
/// One RabbitMQ node with the management plugin; its queues live on a volume. Users, the virtual host and
/// permissions are definitions the node imports at every boot, from a Secret that deploy/make-secrets.sh writes
/// (password hashes only): the app user with no tag (no management access) and rights on the app's virtual host
/// only, an administrator for operators, and a management-tagged user without any rights on queues for KEDA to
/// read queue lengths with. An import updates existing users, so a changed password takes effect when the node
/// restarts, which the changed Secret's name causes; with definitions the image creates no default user.
/// </summary>
internal sealed class RabbitMQBrokerKubernetesForm(IRabbitMQBrokerResource rabbitmq) : IKubernetesForm
{
    /// <summary>The services' user (password: the model's parameter).</summary>
    public const string AppUser = RabbitMQBrokerBuilderExtensions.DefaultUserName;

    /// <summary>The operators' user, tagged administrator (password: only in the secrets folder).</summary>
    public const string AdminUser = "admin";

    /// <summary>KEDA's user: management tag, no configure, write or read rights (password: only in KEDA's Secret).</summary>
    public const string KedaUser = "keda";

    /// <summary>The app's virtual host: the broker is the app's alone, so the default one.</summary>
    public const string VirtualHost = "/";

    private const string ConfigFile = "20-tunesculptor.conf";
    private const string DefinitionsFolder = "/etc/rabbitmq/definitions";

    private readonly SecretValue _password = SecretValue.For(rabbitmq.PasswordParameter) with { Variable = "RABBITMQ_PASSWORD" };

    /// <summary>Made by deploy/make-secrets.sh from the three users' passwords.</summary>
    private readonly SecretValue _definitions = new($"{rabbitmq.Name}-definitions", "definitions.json", "RABBITMQ_DEFINITIONS");

    private string ConfigMapName => $"{rabbitmq.Name}-config";

    public IEnumerable<IKubernetesObject> Objects()
    {
        var version = VersionOf(rabbitmq);
        V1ServicePort[] ports =
        [
            ServicePort("amqp", RabbitMQBrokerImage.AmqpPort, "amqp"),
            ServicePort(RabbitMQBrokerBuilderExtensions.ManagementEndpointName, RabbitMQBrokerImage.ManagementPort, "http"),
        ];
        yield return Service(rabbitmq.Name, "backing-service", version, ports);
        yield return GoverningService(rabbitmq.Name, version, ports);
        // The image reads every file in conf.d: ours is added beside its defaults, not over them.
        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Metadata(ConfigMapName, "backing-service", version),
            Data = new Dictionary<string, string> { [ConfigFile] = ConfigFileText() },
        };
        yield return StatefulSet(rabbitmq.Name, version, GoverningServiceName(rabbitmq.Name), 1, new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "rabbitmq",
                    Image = ImageOf(rabbitmq),
                    Ports =
                    [
                        ContainerPort("amqp", RabbitMQBrokerImage.AmqpPort),
                        ContainerPort(RabbitMQBrokerBuilderExtensions.ManagementEndpointName, RabbitMQBrokerImage.ManagementPort),
                    ],
                    VolumeMounts =
                    [
                        new V1VolumeMount { Name = "data", MountPath = RabbitMQBrokerImage.DataPath },
                        new V1VolumeMount { Name = "config", MountPath = $"{RabbitMQBrokerImage.ConfigFolder}/{ConfigFile}", SubPath = ConfigFile, ReadOnlyProperty = true },
                        new V1VolumeMount { Name = "definitions", MountPath = DefinitionsFolder, ReadOnlyProperty = true },
                    ],
                    ReadinessProbe = ExecProbe(["rabbitmq-diagnostics", "-q", "check_port_connectivity"], periodSeconds: 15, failureThreshold: 3),
                    LivenessProbe = ExecProbe(["rabbitmq-diagnostics", "-q", "status"], periodSeconds: 30, failureThreshold: 6, initialDelaySeconds: 60),
                    // A few messages a minute: the Erlang VM idles well under a tenth of a core.
                    Resources = Resources("100m", "512Mi", cpuLimit: null, "1Gi"),
                },
            ],
            Volumes =
            [
                new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = ConfigMapName } },
                new V1Volume { Name = "definitions", Secret = new V1SecretVolumeSource { SecretName = _definitions.SecretName } },
            ],
        }, VolumeClaim("data", "2Gi"));
    }

    public IEnumerable<SecretValue> OwnSecrets() => [_definitions];

    private string ConfigFileText()
    {
        var text = $"load_definitions = {DefinitionsFolder}/{_definitions.Key}\n";
        return rabbitmq.TryGetLastAnnotation<RabbitMQConsumerTimeoutAnnotation>(out var timeout) ? $"{text}{timeout.ConfigLine}\n" : text;
    }

    public RenderedValue ConnectionString(string? database) => RenderedValue.Concat(
    [
        RenderedValue.Literal($"amqp://{AppUser}:"),
        RenderedValue.Secret(_password),
        RenderedValue.Literal($"@{rabbitmq.Name}:{RabbitMQBrokerImage.AmqpPort}"),
    ]);

    public int Port(string endpointName) =>
        endpointName == RabbitMQBrokerBuilderExtensions.ManagementEndpointName ? RabbitMQBrokerImage.ManagementPort : RabbitMQBrokerImage.AmqpPort;

    public int ClientPort => RabbitMQBrokerImage.AmqpPort;
}
