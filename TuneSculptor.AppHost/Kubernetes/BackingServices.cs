using k8s;
using k8s.Models;
using TuneSculptor.AppHost.Infrastructure;
using static TuneSculptor.AppHost.Kubernetes.KubernetesObjects;

namespace TuneSculptor.AppHost.Kubernetes;

/// <summary>
/// A server of the model (MySQL, MongoDB, RabbitMQ, mail) as Kubernetes objects, and the connection string our
/// services use to reach it there. Kubernetes needs more than the container form does (a replica set, an app user),
/// so each kind says how, while names, images, databases and secret parameters come from the model.
/// </summary>
public interface IBackingService
{
    IResource Resource { get; }

    /// <summary>Null for the base; a kustomize component's name when the service is optional (the dev mail server).</summary>
    string? Component => null;

    IEnumerable<IKubernetesObject> Objects();

    /// <summary>Secrets the objects read that no service reads through a connection string.</summary>
    IEnumerable<SecretValue> OwnSecrets();

    RenderedValue ConnectionString(string? database);

    int Port(string endpointName);
}

public static class BackingServices
{
    public static IBackingService For(IResource resource) => resource switch
    {
        IMySqlServerResource mysql => new MySqlBackingService(mysql),
        IMongoDBServerResource mongodb => new MongoDBBackingService(mongodb),
        IRabbitMQServerResource rabbitmq => new RabbitMQBackingService(rabbitmq),
        ISmtp4devResource mail => new MailBackingService(mail),
        _ => throw new NotSupportedException($"'{resource.Name}' ({resource.GetType().Name}) has no Kubernetes form."),
    };
}

/// <summary>MySQL with its database and an app user created by the image on first start; the services use the app user.</summary>
internal sealed class MySqlBackingService(IMySqlServerResource mysql) : IBackingService
{
    public const string AppUser = "tunesculptor";
    private const int SqlPort = 3306;

    private readonly SecretValue _rootPassword = new($"{mysql.Name}-root-password", "value", "MYSQL_ROOT_PASSWORD");
    private readonly SecretValue _appPassword = SecretValue.For(mysql.PasswordParameter) with { Variable = "MYSQL_PASSWORD" };

    public IResource Resource => mysql;

    private string Database => mysql.Databases.Values.SingleOrDefault()
        ?? throw new NotSupportedException($"'{mysql.Name}' must have exactly one database to be published (the image creates one).");

    public IEnumerable<IKubernetesObject> Objects()
    {
        var probe = new List<string> { "sh", "-c", "mysqladmin ping -h 127.0.0.1 -uroot -p\"$MYSQL_ROOT_PASSWORD\" --silent" };
        yield return Service(mysql.Name, "backing-service", [ServicePort("mysql", SqlPort, "mysql")]);
        yield return StatefulSet(mysql.Name, 1, new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "mysql",
                    Image = ImageOf(mysql),
                    Ports = [ContainerPort("mysql", SqlPort)],
                    Env =
                    [
                        _rootPassword.ToEnvVar(),
                        Env("MYSQL_DATABASE", Database),
                        Env("MYSQL_USER", AppUser),
                        _appPassword.ToEnvVar(),
                    ],
                    VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/var/lib/mysql" }],
                    ReadinessProbe = ExecProbe(probe, periodSeconds: 10, failureThreshold: 3),
                    LivenessProbe = ExecProbe(probe, periodSeconds: 20, failureThreshold: 6, initialDelaySeconds: 60),
                    Resources = Resources("250m", "512Mi", cpuLimit: null, "1Gi"),
                },
            ],
        }, VolumeClaim("data", "2Gi"));
    }

    public IEnumerable<SecretValue> OwnSecrets() => [_rootPassword];

    public RenderedValue ConnectionString(string? database) => RenderedValue.Concat(
    [
        RenderedValue.Literal($"Server={mysql.Name};Port={SqlPort};User ID={AppUser};Password="),
        RenderedValue.Secret(_appPassword),
        RenderedValue.Literal($";Database={database ?? Database}"),
    ]);

    public int Port(string endpointName) => SqlPort;
}

/// <summary>
/// MongoDB as a three-member replica set <c>rs0</c>: members authenticate to each other with a keyfile, the image
/// creates the root user, and a Job initiates the set (idempotently: it does nothing once the set exists).
/// </summary>
internal sealed class MongoDBBackingService(IMongoDBServerResource mongodb) : IBackingService
{
    public const string ReplicaSet = "rs0";
    public const int Members = 3;
    private const int MongoPort = 27017;

    private readonly SecretValue _rootPassword = SecretValue.For(
        mongodb.PasswordParameter ?? throw new InvalidOperationException($"'{mongodb.Name}' has no password in publish mode."))
        with { Variable = "MONGODB_PASSWORD" };
    private readonly SecretValue _keyFile = new($"{mongodb.Name}-keyfile", "value", "MONGODB_KEYFILE");

    public IResource Resource => mongodb;

    private IEnumerable<string> MemberHosts => Enumerable.Range(0, Members).Select(i => $"{mongodb.Name}-{i}.{mongodb.Name}:{MongoPort}");

    public IEnumerable<IKubernetesObject> Objects()
    {
        var rootUser = MongoDBBuilderExtensions.RootUserName;
        var ping = new List<string> { "mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok" };
        yield return Service(mongodb.Name, "backing-service", [ServicePort("mongodb", MongoPort, "mongodb")], headless: true);
        yield return StatefulSet(mongodb.Name, Members, new V1PodSpec
        {
            // mongod insists on a keyfile only its user can read; a Secret volume is root's, so copy it.
            InitContainers =
            [
                new V1Container
                {
                    Name = "keyfile",
                    Image = ImageOf(mongodb),
                    Command = ["sh", "-c", "cp /secret/value /keyfile/keyfile && chown 999:999 /keyfile/keyfile && chmod 400 /keyfile/keyfile"],
                    VolumeMounts =
                    [
                        new V1VolumeMount { Name = "keyfile-secret", MountPath = "/secret", ReadOnlyProperty = true },
                        new V1VolumeMount { Name = "keyfile", MountPath = "/keyfile" },
                    ],
                },
            ],
            Containers =
            [
                new V1Container
                {
                    Name = "mongodb",
                    Image = ImageOf(mongodb),
                    Args = ["--replSet", ReplicaSet, "--bind_ip_all", "--keyFile", "/keyfile/keyfile"],
                    Ports = [ContainerPort("mongodb", MongoPort)],
                    Env = [Env("MONGO_INITDB_ROOT_USERNAME", rootUser), (_rootPassword with { Variable = "MONGO_INITDB_ROOT_PASSWORD" }).ToEnvVar()],
                    VolumeMounts =
                    [
                        new V1VolumeMount { Name = "data", MountPath = "/data/db" },
                        new V1VolumeMount { Name = "keyfile", MountPath = "/keyfile", ReadOnlyProperty = true },
                    ],
                    ReadinessProbe = ExecProbe(ping, periodSeconds: 10, failureThreshold: 3),
                    LivenessProbe = ExecProbe(ping, periodSeconds: 20, failureThreshold: 6, initialDelaySeconds: 30),
                    Resources = Resources("250m", "512Mi", cpuLimit: null, "1Gi"),
                },
            ],
            Volumes =
            [
                new V1Volume { Name = "keyfile-secret", Secret = new V1SecretVolumeSource { SecretName = _keyFile.SecretName } },
                new V1Volume { Name = "keyfile", EmptyDir = new V1EmptyDirVolumeSource() },
            ],
        }, VolumeClaim("data", "5Gi"));
        yield return InitiateJob(rootUser);
    }

    /// <summary>Waits for every member, then initiates the set unless it already is; safe to run again at any time.</summary>
    private V1Job InitiateJob(string rootUser)
    {
        var members = string.Join(", ", MemberHosts.Select((host, i) => $"{{ _id: {i}, host: '{host}' }}"));
        var script = $$"""
            set -e
            for host in {{string.Join(' ', MemberHosts)}}; do
              until mongosh --quiet --host "$host" --eval "db.adminCommand('ping').ok" > /dev/null 2>&1; do
                echo "waiting for $host"; sleep 2
              done
            done
            mongosh --quiet --host {{MemberHosts.First()}} -u {{rootUser}} -p "$MONGODB_PASSWORD" --authenticationDatabase admin --eval "
              try { rs.status(); print('replica set {{ReplicaSet}} already initiated'); }
              catch (e) {
                if (e.codeName !== 'NotYetInitialized') throw e;
                rs.initiate({ _id: '{{ReplicaSet}}', members: [{{members}}] });
                print('replica set {{ReplicaSet}} initiated');
              }"
            """;
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = Metadata($"{mongodb.Name}-init", "backing-service"),
            Spec = new V1JobSpec
            {
                BackoffLimit = 10,
                // Removed once done, so the next `kubectl apply -k` runs it again (it is idempotent).
                TtlSecondsAfterFinished = 600,
                Template = new V1PodTemplateSpec
                {
                    Metadata = PodMetadata($"{mongodb.Name}-init", "backing-service"),
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "OnFailure",
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "initiate",
                                Image = ImageOf(mongodb),
                                Command = ["bash", "-c", script.ReplaceLineEndings("\n")],
                                Env = [_rootPassword.ToEnvVar()],
                            },
                        ],
                    },
                },
            },
        };
    }

    public IEnumerable<SecretValue> OwnSecrets() => [_keyFile];

    /// <summary>Every member, the set's name and majority writes: the driver follows the primary wherever it is.</summary>
    public RenderedValue ConnectionString(string? database) => RenderedValue.Concat(
    [
        RenderedValue.Literal($"mongodb://{MongoDBBuilderExtensions.RootUserName}:"),
        RenderedValue.Secret(_rootPassword),
        RenderedValue.Literal($"@{string.Join(',', MemberHosts)}/{database}?authSource=admin&replicaSet={ReplicaSet}&w=majority"),
    ]);

    public int Port(string endpointName) => MongoPort;
}

/// <summary>One RabbitMQ node with the management plugin and the app user from a Secret; its queues live on a volume.</summary>
internal sealed class RabbitMQBackingService(IRabbitMQServerResource rabbitmq) : IBackingService
{
    private const int AmqpPort = 5672;
    private const int ManagementPort = 15672;

    private readonly SecretValue _password = SecretValue.For(rabbitmq.PasswordParameter) with { Variable = "RABBITMQ_PASSWORD" };

    public IResource Resource => rabbitmq;

    public IEnumerable<IKubernetesObject> Objects()
    {
        yield return Service(rabbitmq.Name, "backing-service",
            [ServicePort("amqp", AmqpPort, "amqp"), ServicePort(RabbitMQBuilderExtensions.ManagementEndpointName, ManagementPort, "http")]);
        yield return StatefulSet(rabbitmq.Name, 1, new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "rabbitmq",
                    Image = ImageOf(rabbitmq),
                    Ports = [ContainerPort("amqp", AmqpPort), ContainerPort(RabbitMQBuilderExtensions.ManagementEndpointName, ManagementPort)],
                    Env = [Env("RABBITMQ_DEFAULT_USER", RabbitMQBuilderExtensions.DefaultUserName), (_password with { Variable = "RABBITMQ_DEFAULT_PASS" }).ToEnvVar()],
                    VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/var/lib/rabbitmq" }],
                    ReadinessProbe = ExecProbe(["rabbitmq-diagnostics", "-q", "check_port_connectivity"], periodSeconds: 15, failureThreshold: 3),
                    LivenessProbe = ExecProbe(["rabbitmq-diagnostics", "-q", "status"], periodSeconds: 30, failureThreshold: 6, initialDelaySeconds: 60),
                    Resources = Resources("250m", "512Mi", cpuLimit: null, "1Gi"),
                },
            ],
        }, VolumeClaim("data", "2Gi"));
    }

    public IEnumerable<SecretValue> OwnSecrets() => [];

    public RenderedValue ConnectionString(string? database) => RenderedValue.Concat(
    [
        RenderedValue.Literal($"amqp://{RabbitMQBuilderExtensions.DefaultUserName}:"),
        RenderedValue.Secret(_password),
        RenderedValue.Literal($"@{rabbitmq.Name}:{AmqpPort}"),
    ]);

    public int Port(string endpointName) => endpointName == RabbitMQBuilderExtensions.ManagementEndpointName ? ManagementPort : AmqpPort;
}

/// <summary>
/// Where mail goes. The connection string always comes from a Secret, because in production it is an external SMTP
/// server with credentials; the optional <c>mail</c> component runs smtp4dev for trying the system out.
/// </summary>
internal sealed class MailBackingService(ISmtp4devResource mail) : IBackingService
{
    private const int SmtpPort = 25;
    private const int UiPort = 80;

    private readonly SecretValue _connectionString = new($"{mail.Name}-connection-string", "value", "MAIL_CONNECTION_STRING");

    public IResource Resource => mail;

    public string? Component => mail.Name;

    /// <summary>What the mail component's server answers at, for the secret that points at it.</summary>
    public string DevelopmentConnectionString => $"smtp://{mail.Name}:{SmtpPort}";

    public IEnumerable<IKubernetesObject> Objects()
    {
        yield return Service(mail.Name, "backing-service", [ServicePort(Smtp4devBuilderExtensions.SmtpEndpointName, SmtpPort, "smtp"), ServicePort("http", UiPort, "http")]);
        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(mail.Name, "backing-service"),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Selector(mail.Name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = PodMetadata(mail.Name, "backing-service"),
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "smtp4dev",
                                Image = ImageOf(mail),
                                Ports = [ContainerPort(Smtp4devBuilderExtensions.SmtpEndpointName, SmtpPort), ContainerPort("http", UiPort)],
                                // Mail kept in memory, no IMAP/POP3: as the model runs it.
                                Env =
                                [
                                    Env("ServerOptions__Database", ""), Env("ServerOptions__ImapPort", ""), Env("ServerOptions__Pop3Port", ""),
                                    Env("ServerOptions__NumberOfMessagesToKeep", "1000"),
                                ],
                                ReadinessProbe = HttpProbe("/", "http", periodSeconds: 10, failureThreshold: 3),
                                Resources = Resources("50m", "128Mi", cpuLimit: null, "256Mi"),
                            },
                        ],
                    },
                },
            },
        };
    }

    public IEnumerable<SecretValue> OwnSecrets() => [];

    public RenderedValue ConnectionString(string? database) => RenderedValue.Secret(_connectionString);

    public int Port(string endpointName) => endpointName == Smtp4devBuilderExtensions.SmtpEndpointName ? SmtpPort : UiPort;
}
