using k8s;
using k8s.Models;
using TuneSculptor.Hosting.Kubernetes;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.Smtp4dev;

/// <summary>
/// Where mail goes. The connection string always comes from a Secret, because in production it is an external SMTP
/// server with credentials; the optional <c>mail</c> component runs smtp4dev for trying the system out.
/// </summary>
internal sealed class Smtp4devKubernetesForm(ISmtp4devResource mail) : IKubernetesForm
{
    private readonly SecretValue _connectionString = new($"{mail.Name}-connection-string", "value", "MAIL_CONNECTION_STRING");

    public string? Component => mail.Name;

    public IEnumerable<IKubernetesObject> Objects()
    {
        var version = VersionOf(mail);
        yield return Service(mail.Name, "backing-service", version,
        [
            ServicePort(Smtp4devBuilderExtensions.SmtpEndpointName, Smtp4devImage.SmtpPort, "smtp"),
            ServicePort("http", Smtp4devImage.UiPort, "http"),
        ]);
        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(mail.Name, "backing-service", version),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Selector(mail.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = PodMetadata(mail.Name, "backing-service", version),
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "smtp4dev",
                                Image = ImageOf(mail),
                                Ports =
                                [
                                    ContainerPort(Smtp4devBuilderExtensions.SmtpEndpointName, Smtp4devImage.SmtpPort),
                                    ContainerPort("http", Smtp4devImage.UiPort),
                                ],
                                // Mail kept in memory, no IMAP/POP3: as the model runs it.
                                Env = [.. Smtp4devImage.ServerSettings.Select(setting => Env(setting.Key, setting.Value))],
                                ReadinessProbe = HttpProbe("/", "http", periodSeconds: 10, failureThreshold: 3),
                                Resources = Resources("25m", "128Mi", cpuLimit: null, "256Mi"),
                            },
                        ],
                    },
                },
            },
        };
    }

    public IEnumerable<SecretValue> OwnSecrets() => [];

    public RenderedValue ConnectionString(string? database) => RenderedValue.Secret(_connectionString);

    public int Port(string endpointName) =>
        endpointName == Smtp4devBuilderExtensions.SmtpEndpointName ? Smtp4devImage.SmtpPort : Smtp4devImage.UiPort;

    public int ClientPort => Smtp4devImage.SmtpPort;
}
