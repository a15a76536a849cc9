using System.Globalization;
using k8s;
using k8s.Models;
using TuneSculptor.Hosting.Kubernetes;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.MongoDB;

/// <summary>
/// MongoDB as a three-member replica set <c>rs0</c>: members authenticate to each other with a keyfile, the image
/// creates the root user, and a Job initiates the set and keeps the app user in step with its Secret (idempotently:
/// it changes nothing that is already right). The services connect as the app user, which may read and write the
/// model's databases and nothing else; the root user is for the Job and for operators.
/// </summary>
internal sealed class MongoDBServerKubernetesForm(IMongoDBServerResource mongodb) : IKubernetesForm
{
    public const string ReplicaSet = "rs0";
    public const int Members = 3;

    /// <summary>The services' user (kept in the <c>admin</c> database, as the root user is).</summary>
    public const string AppUser = "tunesculptor";

    /// <summary>
    /// Each member holds every file (an upload is up to 2 GiB, kept until converted; its mp3 24 h) and the oplog:
    /// room for a few large uploads at once.
    /// </summary>
    private const string VolumeSize = "10Gi";

    private const int OplogSizeMebibytes = 1024;

    private readonly SecretValue _rootPassword = new($"{mongodb.Name}-root-password", "value", "MONGODB_ROOT_PASSWORD");
    private readonly SecretValue _appPassword = SecretValue.For(
        mongodb.PasswordParameter ?? throw new InvalidOperationException($"'{mongodb.Name}' has no password in publish mode."))
        with { Variable = "MONGODB_PASSWORD" };
    private readonly SecretValue _keyFile = new($"{mongodb.Name}-keyfile", "value", "MONGODB_KEYFILE");

    private IEnumerable<string> MemberHosts => Enumerable.Range(0, Members).Select(i => $"{mongodb.Name}-{i}.{mongodb.Name}:{MongoDBServerImage.Port}");

    private string InitJobName => $"{mongodb.Name}-init";

    public IEnumerable<IKubernetesObject> Objects()
    {
        var rootUser = MongoDBServerBuilderExtensions.RootUserName;
        var version = VersionOf(mongodb);
        // Clients name every member (mongodb-N.mongodb), so the one Service is the headless governing one.
        yield return Service(mongodb.Name, "backing-service", version, [ServicePort("mongodb", MongoDBServerImage.Port, "mongodb")], headless: true);
        yield return StatefulSet(mongodb.Name, version, mongodb.Name, Members, new V1PodSpec
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
                    // The oplog's size fixed (MiB) so it fits the volume: by default it takes 5 % of the node's free disk,
                    // which on minikube is the whole node's, not the volume's.
                    Args = ["--replSet", ReplicaSet, "--bind_ip_all", "--keyFile", "/keyfile/keyfile", "--oplogSize", OplogSizeMebibytes.ToString(CultureInfo.InvariantCulture)],
                    Ports = [ContainerPort("mongodb", MongoDBServerImage.Port)],
                    Env = [Env("MONGO_INITDB_ROOT_USERNAME", rootUser), (_rootPassword with { Variable = "MONGO_INITDB_ROOT_PASSWORD" }).ToEnvVar()],
                    VolumeMounts =
                    [
                        new V1VolumeMount { Name = "data", MountPath = MongoDBServerImage.DataPath },
                        new V1VolumeMount { Name = "keyfile", MountPath = "/keyfile", ReadOnlyProperty = true },
                    ],
                    // A member that accepts connections is ready: the driver finds the primary itself, and the members
                    // reach each other before they are ready anyway (the headless Service publishes them).
                    ReadinessProbe = TcpProbe("mongodb", periodSeconds: 10, failureThreshold: 3),
                    LivenessProbe = TcpProbe("mongodb", periodSeconds: 20, failureThreshold: 6, initialDelaySeconds: 30),
                    Resources = Resources("100m", "512Mi", cpuLimit: null, "1Gi"),
                },
            ],
            Volumes =
            [
                new V1Volume { Name = "keyfile-secret", Secret = new V1SecretVolumeSource { SecretName = _keyFile.SecretName } },
                new V1Volume { Name = "keyfile", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("1Mi") } },
            ],
        }, VolumeClaim("data", VolumeSize));
        yield return InitJob(rootUser, version);
    }

    /// <summary>
    /// Waits for every member, initiates the set unless it already is, then creates the app user on the primary or
    /// sets its password and roles to what they should be; safe to run again at any time. Not an initdb script: the
    /// image runs those once, on an empty data folder, against a server started outside the replica set.
    /// </summary>
    private V1Job InitJob(string rootUser, string version)
    {
        var members = string.Join(", ", MemberHosts.Select((host, i) => $"{{ _id: {i}, host: '{host}' }}"));
        var roles = string.Join(", ", mongodb.Databases.Values.Order(StringComparer.Ordinal).Select(database => $"{{ role: 'readWrite', db: '{database}' }}"));
        var script = $$"""
            set -e
            for host in {{string.Join(' ', MemberHosts)}}; do
              until mongosh --quiet --host "$host" --eval "db.adminCommand('ping').ok" > /dev/null 2>&1; do
                echo "waiting for $host"; sleep 2
              done
            done
            root="-u {{rootUser}} -p $MONGODB_ROOT_PASSWORD --authenticationDatabase admin"
            mongosh --quiet --host {{MemberHosts.First()}} $root --eval "
              try { rs.status(); print('replica set {{ReplicaSet}} already initiated'); }
              catch (e) {
                if (e.codeName !== 'NotYetInitialized') throw e;
                rs.initiate({ _id: '{{ReplicaSet}}', members: [{{members}}] });
                print('replica set {{ReplicaSet}} initiated');
              }"
            # Users are written on the primary: the driver waits for the set to elect one (a minute at most, then the
            # Job retries). The app user's password comes from the environment, not the command line.
            mongosh --quiet 'mongodb://{{string.Join(',', MemberHosts)}}/?replicaSet={{ReplicaSet}}&serverSelectionTimeoutMS=60000' $root --eval "
              const admin = db.getSiblingDB('admin');
              const user = { pwd: process.env.MONGODB_PASSWORD, roles: [{{roles}}] };
              if (admin.getUser('{{AppUser}}') === null) {
                admin.createUser({ user: '{{AppUser}}', ...user });
                print('user {{AppUser}} created');
              } else {
                admin.updateUser('{{AppUser}}', user);
                print('user {{AppUser}} brought up to date');
              }"
            """;
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = Metadata(InitJobName, "backing-service", version),
            Spec = new V1JobSpec
            {
                BackoffLimit = 10,
                // Removed once done, so the next `kubectl apply -k` runs it again (it is idempotent).
                TtlSecondsAfterFinished = 600,
                Template = new V1PodTemplateSpec
                {
                    Metadata = PodMetadata(InitJobName, "backing-service", version),
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
                                Env = [_rootPassword.ToEnvVar(), _appPassword.ToEnvVar()],
                            },
                        ],
                    },
                },
            },
        };
    }

    public IEnumerable<SecretValue> OwnSecrets() => [_rootPassword, _keyFile];

    /// <summary>The app user (authenticated against <c>admin</c>, where it lives), every member and majority writes.</summary>
    public RenderedValue ConnectionString(string? database) => RenderedValue.Concat(
    [
        RenderedValue.Literal($"mongodb://{AppUser}:"),
        RenderedValue.Secret(_appPassword),
        RenderedValue.Literal($"@{string.Join(',', MemberHosts)}/{database}?authSource=admin&replicaSet={ReplicaSet}&w=majority"),
    ]);

    public int Port(string endpointName) => MongoDBServerImage.Port;

    public int ClientPort => MongoDBServerImage.Port;

    /// <summary>The members replicate from each other; the init Job talks to each of them.</summary>
    public IEnumerable<string> OwnClients => [mongodb.Name, InitJobName];
}
