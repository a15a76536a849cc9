using System.Text.RegularExpressions;
using k8s.Models;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>Small builders for the objects every component needs, so each reads as what it deploys.</summary>
internal static partial class KubernetesObjects
{
    public const string PartOf = "tunesculptor";

    /// <summary>One installation of the system per namespace, as a Helm release would be.</summary>
    public const string Instance = PartOf;

    /// <summary>The tool that applies the objects (<c>kubectl apply -k</c>).</summary>
    public const string ManagedBy = "kustomize";

    /// <summary>Selectors use the name only: the other labels may change (version) or are shared by every object.</summary>
    public static Dictionary<string, string> Selector(string name) => new() { ["app.kubernetes.io/name"] = name };

    public static V1ObjectMeta Metadata(string name, string component, string version) => new() { Name = name, Labels = Labels(name, component, version) };

    /// <summary>Metadata of a pod template: labels only (a template's name is ignored).</summary>
    public static V1ObjectMeta PodMetadata(string name, string component, string version) => new() { Labels = Labels(name, component, version) };

    /// <summary>The six recommended labels (kubernetes.io "Recommended Labels"), so tools can group what belongs together.</summary>
    public static Dictionary<string, string> Labels(string name, string component, string version) => new()
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/instance"] = Instance,
        ["app.kubernetes.io/version"] = LabelValue(version),
        ["app.kubernetes.io/component"] = component,
        ["app.kubernetes.io/part-of"] = PartOf,
        ["app.kubernetes.io/managed-by"] = ManagedBy,
    };

    private static string LabelValue(string value) => LabelValuePattern().IsMatch(value)
        ? value
        : throw new InvalidOperationException($"'{value}' is not a valid label value (63 characters at most: letters, digits, '-', '_', '.').");

    [GeneratedRegex("^(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")]
    private static partial Regex LabelValuePattern();

    public static V1Service Service(string name, string component, string version, IEnumerable<V1ServicePort> ports, bool headless = false) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(name, component, version),
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

    /// <summary>
    /// The headless Service that governs a StatefulSet (its pods' DNS names <c>name-0.governing…</c>), beside the
    /// ClusterIP Service clients use: a governing Service must be headless, and clients are better served by a
    /// stable virtual IP that only ready pods stand behind.
    /// </summary>
    public static V1Service GoverningService(string name, string version, IEnumerable<V1ServicePort> ports)
    {
        var service = Service(GoverningServiceName(name), "backing-service", version, ports, headless: true);
        service.Spec.Selector = Selector(name);
        return service;
    }

    public static string GoverningServiceName(string name) => $"{name}-headless";

    /// <summary>
    /// A StatefulSet of <paramref name="replicas"/> pods named <c>name-0…</c>, each with its own volume, governed by
    /// the headless Service <paramref name="governingService"/>.
    /// </summary>
    public static V1StatefulSet StatefulSet(
        string name, string version, string governingService, int replicas, V1PodSpec pod, params V1PersistentVolumeClaim[] volumes) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Metadata = Metadata(name, "backing-service", version),
        Spec = new V1StatefulSetSpec
        {
            ServiceName = governingService,
            Replicas = replicas,
            PodManagementPolicy = "Parallel",
            Selector = new V1LabelSelector { MatchLabels = Selector(name) },
            Template = new V1PodTemplateSpec { Metadata = PodMetadata(name, "backing-service", version), Spec = pod },
            VolumeClaimTemplates = volumes,
        },
    };

    /// <summary>The image a container resource of the model runs, e.g. <c>docker.io/library/mariadb:10.11.19</c>.</summary>
    public static string ImageOf(IResource resource)
    {
        var image = ImageAnnotationOf(resource);
        var registry = image.Registry is null ? string.Empty : image.Registry + "/";
        return $"{registry}{image.Image}:{image.Tag ?? "latest"}";
    }

    /// <summary>The version a container resource runs: its image's tag (e.g. <c>10.11.19</c>), for the version label.</summary>
    public static string VersionOf(IResource resource) => ImageAnnotationOf(resource).Tag ?? "latest";

    private static ContainerImageAnnotation ImageAnnotationOf(IResource resource) =>
        resource.TryGetLastAnnotation<ContainerImageAnnotation>(out var image)
            ? image
            : throw new InvalidOperationException($"'{resource.Name}' has no container image: publish describes containers.");
}
