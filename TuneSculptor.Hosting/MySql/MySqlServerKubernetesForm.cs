using k8s;
using k8s.Models;
using TuneSculptor.Hosting.Kubernetes;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.MySql;

/// <summary>MySQL with its database and an app user created by the image on first start; the services use the app user.</summary>
internal sealed class MySqlServerKubernetesForm(IMySqlServerResource mysql) : IKubernetesForm
{
    public const string AppUser = "tunesculptor";

    private readonly SecretValue _rootPassword = new($"{mysql.Name}-root-password", "value", "MYSQL_ROOT_PASSWORD");
    private readonly SecretValue _appPassword = SecretValue.For(mysql.PasswordParameter) with { Variable = "MYSQL_PASSWORD" };

    private string Database => mysql.Databases.Values.SingleOrDefault()
        ?? throw new NotSupportedException($"'{mysql.Name}' must have exactly one database to be published (the image creates one).");

    public IEnumerable<IKubernetesObject> Objects()
    {
        var probe = new List<string> { "sh", "-c", "mysqladmin ping -h 127.0.0.1 -uroot -p\"$MYSQL_ROOT_PASSWORD\" --silent" };
        yield return Service(mysql.Name, "backing-service", [ServicePort("mysql", MySqlServerImage.SqlPort, "mysql")]);
        yield return StatefulSet(mysql.Name, 1, new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "mysql",
                    Image = ImageOf(mysql),
                    Ports = [ContainerPort("mysql", MySqlServerImage.SqlPort)],
                    Env =
                    [
                        _rootPassword.ToEnvVar(),
                        Env("MYSQL_DATABASE", Database),
                        Env("MYSQL_USER", AppUser),
                        _appPassword.ToEnvVar(),
                    ],
                    VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = MySqlServerImage.DataPath }],
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
        RenderedValue.Literal($"Server={mysql.Name};Port={MySqlServerImage.SqlPort};User ID={AppUser};Password="),
        RenderedValue.Secret(_appPassword),
        RenderedValue.Literal($";Database={database ?? Database}"),
    ]);

    public int Port(string endpointName) => MySqlServerImage.SqlPort;
}
