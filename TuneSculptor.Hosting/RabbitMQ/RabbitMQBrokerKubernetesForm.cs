using k8s;
using k8s.Models;
using TuneSculptor.Hosting.Kubernetes;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.RabbitMQ;

/// <summary>One RabbitMQ node with the management plugin and the app user from a Secret; its queues live on a volume.</summary>
internal sealed class RabbitMQBrokerKubernetesForm(IRabbitMQBrokerResource rabbitmq) : IKubernetesForm
{
    private readonly SecretValue _password = SecretValue.For(rabbitmq.PasswordParameter) with { Variable = "RABBITMQ_PASSWORD" };

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
                    Env = [Env("RABBITMQ_DEFAULT_USER", RabbitMQBrokerBuilderExtensions.DefaultUserName), (_password with { Variable = "RABBITMQ_DEFAULT_PASS" }).ToEnvVar()],
                    VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = RabbitMQBrokerImage.DataPath }],
                    ReadinessProbe = ExecProbe(["rabbitmq-diagnostics", "-q", "check_port_connectivity"], periodSeconds: 15, failureThreshold: 3),
                    LivenessProbe = ExecProbe(["rabbitmq-diagnostics", "-q", "status"], periodSeconds: 30, failureThreshold: 6, initialDelaySeconds: 60),
                    // A few messages a minute: the Erlang VM idles well under a tenth of a core.
                    Resources = Resources("100m", "512Mi", cpuLimit: null, "1Gi"),
                },
            ],
        }, VolumeClaim("data", "2Gi"));
    }

    public IEnumerable<SecretValue> OwnSecrets() => [];

    public RenderedValue ConnectionString(string? database) => RenderedValue.Concat(
    [
        RenderedValue.Literal($"amqp://{RabbitMQBrokerBuilderExtensions.DefaultUserName}:"),
        RenderedValue.Secret(_password),
        RenderedValue.Literal($"@{rabbitmq.Name}:{RabbitMQBrokerImage.AmqpPort}"),
    ]);

    public int Port(string endpointName) =>
        endpointName == RabbitMQBrokerBuilderExtensions.ManagementEndpointName ? RabbitMQBrokerImage.ManagementPort : RabbitMQBrokerImage.AmqpPort;
}
