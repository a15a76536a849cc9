using k8s;
using k8s.Models;
using TuneSculptor.Hosting.Kubernetes;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.MySql;

/// <summary>
/// MariaDB (the official image, as in the containers form) with its database and an app user created by the image on
/// first start; the services use the app user.
/// </summary>
internal sealed class MySqlServerKubernetesForm(IMySqlServerResource mysql) : IKubernetesForm
{
    public const string AppUser = "tunesculptor";

    private readonly SecretValue _rootPassword = new($"{mysql.Name}-root-password", "value", MySqlServerImage.RootPasswordVariable);
    private readonly SecretValue _appPassword = SecretValue.For(mysql.PasswordParameter) with { Variable = MySqlServerImage.PasswordVariable };

    private string Database => mysql.Databases.Values.SingleOrDefault()
        ?? throw new NotSupportedException($"'{mysql.Name}' must have exactly one database to be published (the image creates one).");

    public IEnumerable<IKubernetesObject> Objects()
    {
        // The image's own health check, with the credentials its entrypoint wrote into the data folder for it (a
        // user with USAGE only, so no password of ours in a probe): ready once a client can connect over TCP and
        // InnoDB has finished starting (crash recovery included); alive while it accepts connections. Not
        // `mysqladmin`: newer MariaDB images no longer ship the mysql* names.
        var ready = new List<string> { "healthcheck.sh", "--connect", "--innodb_initialized" };
        var alive = new List<string> { "healthcheck.sh", "--connect" };
        var version = VersionOf(mysql);
        V1ServicePort[] ports = [ServicePort("mysql", MySqlServerImage.SqlPort, "mysql")];
        yield return Service(mysql.Name, "backing-service", version, ports);
        yield return GoverningService(mysql.Name, version, ports);
        yield return StatefulSet(mysql.Name, version, GoverningServiceName(mysql.Name), 1, new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "mariadb",
                    Image = ImageOf(mysql),
                    Ports = [ContainerPort("mysql", MySqlServerImage.SqlPort)],
                    Env =
                    [
                        _rootPassword.ToEnvVar(),
                        Env(MySqlServerImage.DatabaseVariable, Database),
                        Env(MySqlServerImage.UserVariable, AppUser),
                        _appPassword.ToEnvVar(),
                    ],
                    VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = MySqlServerImage.DataPath }],
                    ReadinessProbe = ExecProbe(ready, periodSeconds: 10, failureThreshold: 3),
                    LivenessProbe = ExecProbe(alive, periodSeconds: 20, failureThreshold: 6, initialDelaySeconds: 60),
                    // Idle but for logins and the throttle's counters; the buffer pool is the image's default 128 MiB.
                    Resources = Resources("100m", "256Mi", cpuLimit: null, "1Gi"),
                },
            ],
        }, VolumeClaim("data", "2Gi"));
    }

    public IEnumerable<SecretValue> OwnSecrets() => [_rootPassword];

    public RenderedValue ConnectionString(string? database) => RenderedValue.Concat(
    [
        RenderedValue.Literal($"Server={mysql.Name};Port={MySqlServerImage.SqlPort};User ID={AppUser};Password="),
        RenderedValue.Secret(_appPassword),
        RenderedValue.Literal($";Database={database ?? Database}"),
    ]);

    public int Port(string endpointName) => MySqlServerImage.SqlPort;

    public int ClientPort => MySqlServerImage.SqlPort;
}
