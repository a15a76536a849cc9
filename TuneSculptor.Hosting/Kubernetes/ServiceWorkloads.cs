using k8s;
using k8s.Models;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// One of our projects as a ConfigMap (settings that are not secret), a Deployment (secrets referenced from
/// Secrets, probes on the service's own health endpoints) and a ClusterIP Service.
/// </summary>
internal static class ServiceWorkloads
{
    /// <summary>Liveness: the process answers (ServiceDefaults maps it in every environment).</summary>
    public const string LivenessPath = "/alive";

    /// <summary>
    /// Readiness: the service can serve with its own resources. A shared dependency that is down (broker, database,
    /// another service) shows there as degraded but leaves it ready: requests that need it answer 503 themselves.
    /// </summary>
    public const string ReadinessPath = "/health";

    /// <summary>The ConfigMap holding a service's settings that are not secret.</summary>
    public static string ConfigMapName(string service) => $"{service}-config";

    public static IEnumerable<IKubernetesObject> Create(
        ProjectResource project, IReadOnlyList<(string Name, RenderedValue Value)> environment, KubernetesEnvironment cluster)
    {
        var name = project.Name;
        var workload = project.KubernetesWorkload();
        if (workload.PreStopDelay >= workload.TerminationGracePeriod)
        {
            throw new InvalidOperationException(
                $"'{name}': the termination grace period ({workload.TerminationGracePeriod}) must outlast the preStop delay ({workload.PreStopDelay}), which it includes.");
        }

        var settings = environment.Where(e => !e.Value.HasSecrets).ToList();
        var withSecrets = environment.Where(e => e.Value.HasSecrets).ToList();

        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = Metadata(ConfigMapName(name), "service", cluster.ImageTag),
            Data = settings.ToDictionary(e => e.Name, e => e.Value.Text),
        };

        // Secrets first: Kubernetes expands $(VARIABLE) only from variables defined before.
        var env = withSecrets.SelectMany(e => e.Value.Secrets).Distinct().OrderBy(s => s.Variable, StringComparer.Ordinal)
            .Select(s => s.ToEnvVar())
            .Concat(withSecrets.Select(e => Env(e.Name, e.Value.Text)))
            .ToList();

        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(name, "service", cluster.ImageTag),
            Spec = new V1DeploymentSpec
            {
                Replicas = workload.Replicas,
                Selector = new V1LabelSelector { MatchLabels = Selector(name) },
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = PodMetadata(name, "service", cluster.ImageTag),
                    Spec = new V1PodSpec
                    {
                        TerminationGracePeriodSeconds = (long)workload.TerminationGracePeriod.TotalSeconds,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                        Containers =
                        [
                            new V1Container
                            {
                                Name = name,
                                Image = $"{cluster.ImageRepositoryPrefix}/{name}:{cluster.ImageTag}",
                                ImagePullPolicy = "IfNotPresent",
                                Ports = [ContainerPort("http", cluster.ServicePort)],
                                EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = ConfigMapName(name) } }],
                                Env = env.Count > 0 ? env : null,
                                StartupProbe = HttpProbe(LivenessPath, "http", periodSeconds: 2, failureThreshold: 30),
                                LivenessProbe = HttpProbe(LivenessPath, "http", periodSeconds: 10, failureThreshold: 3),
                                ReadinessProbe = HttpProbe(ReadinessPath, "http", periodSeconds: 10, failureThreshold: 3),
                                Lifecycle = workload.PreStopDelay is { } delay
                                    ? new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = (long)delay.TotalSeconds } } }
                                    : null,
                                Resources = Resources(workload.CpuRequest, workload.MemoryRequest, workload.CpuLimit, workload.MemoryLimit),
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    ReadOnlyRootFilesystem = true,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                },
                                VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
                            },
                        ],
                        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity(workload.TempSizeLimit) } }],
                    },
                },
            },
        };

        yield return Service(name, "service", cluster.ImageTag, [ServicePort("http", cluster.ServicePort, "http")]);
    }
}
