using k8s.Models;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>Small builders for the objects every component needs, so each reads as what it deploys.</summary>
internal static class KubernetesObjects
{
    public const string PartOf = "tunesculptor";

    public static Dictionary<string, string> Selector(string name) => new() { ["app.kubernetes.io/name"] = name };

    public static V1ObjectMeta Metadata(string name, string component) => new() { Name = name, Labels = Labels(name, component) };

    /// <summary>Metadata of a pod template: labels only (a template's name is ignored).</summary>
    public static V1ObjectMeta PodMetadata(string name, string component) => new() { Labels = Labels(name, component) };

    private static Dictionary<string, string> Labels(string name, string component) => new()
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/component"] = component,
        ["app.kubernetes.io/part-of"] = PartOf,
    };

    public static V1Service Service(string name, string component, IEnumerable<V1ServicePort> ports, bool headless = false) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(name, component),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            ClusterIP = headless ? "None" : null,
            // Members of a StatefulSet must find each other before they are ready (replica set, cluster forming).
            PublishNotReadyAddresses = headless ? true : null,
            Selector = Selector(name),
            Ports = ports.ToList(),
        },
    };

    public static V1ServicePort ServicePort(string name, int port, string? appProtocol = null) =>
        new() { Name = name, Port = port, TargetPort = name, Protocol = "TCP", AppProtocol = appProtocol };

    public static V1ContainerPort ContainerPort(string name, int port) => new() { Name = name, ContainerPort = port, Protocol = "TCP" };

    public static V1ResourceRequirements Resources(string cpuRequest, string memoryRequest, string? cpuLimit, string memoryLimit) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest), ["memory"] = new(memoryRequest) },
        Limits = cpuLimit is null
            ? new Dictionary<string, ResourceQuantity> { ["memory"] = new(memoryLimit) }
            : new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit), ["memory"] = new(memoryLimit) },
    };

    public static V1Probe HttpProbe(string path, string port, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 5,
    };

    public static V1Probe ExecProbe(IList<string> command, int periodSeconds, int failureThreshold, int initialDelaySeconds = 0) => new()
    {
        Exec = new V1ExecAction { Command = command },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        InitialDelaySeconds = initialDelaySeconds,
        TimeoutSeconds = 10,
    };

    /// <summary>
    /// A probe that only opens a TCP connection: the kubelet does it itself, so it starts no process in the container
    /// (a client such as mongosh costs a tenth of a CPU second per probe).
    /// </summary>
    public static V1Probe TcpProbe(string port, int periodSeconds, int failureThreshold, int initialDelaySeconds = 0) => new()
    {
        TcpSocket = new V1TCPSocketAction { Port = port },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        InitialDelaySeconds = initialDelaySeconds,
        TimeoutSeconds = 5,
    };

    public static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    public static V1PersistentVolumeClaim VolumeClaim(string name, string size) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
        },
    };

    /// <summary>A StatefulSet of <paramref name="replicas"/> pods named <c>name-0…</c>, each with its own volume.</summary>
    public static V1StatefulSet StatefulSet(string name, int replicas, V1PodSpec pod, params V1PersistentVolumeClaim[] volumes) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Metadata = Metadata(name, "backing-service"),
        Spec = new V1StatefulSetSpec
        {
            ServiceName = name,
            Replicas = replicas,
            PodManagementPolicy = "Parallel",
            Selector = new V1LabelSelector { MatchLabels = Selector(name) },
            Template = new V1PodTemplateSpec { Metadata = PodMetadata(name, "backing-service"), Spec = pod },
            VolumeClaimTemplates = volumes,
        },
    };

    /// <summary>The image a container resource of the model runs, e.g. <c>docker.io/library/mariadb:10.11.19</c>.</summary>
    public static string ImageOf(IResource resource)
    {
        if (!resource.TryGetLastAnnotation<ContainerImageAnnotation>(out var image))
        {
            throw new InvalidOperationException($"'{resource.Name}' has no container image: publish describes containers.");
        }

        var registry = image.Registry is null ? string.Empty : image.Registry + "/";
        return $"{registry}{image.Image}:{image.Tag ?? "latest"}";
    }
}
