using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// What a rendered overlay asks of a one-node cluster at its busiest: every workload at its largest replica count
/// (KEDA's maximum where a ScaledObject scales it), plus one more pod of every Deployment rolling out at once (an
/// apply that changes a shared Secret restarts them all together), plus what the cluster itself runs.
/// CPU and memory are the scheduler's view (requests); disk is every volume claim and emptyDir at its size.
/// </summary>
public sealed record ClusterBudget(decimal Cpu, decimal MemoryBytes, decimal DiskBytes)
{
    private const decimal Mebi = 1024m * 1024m;
    private const decimal Gibi = 1024m * Mebi;

    /// <summary>
    /// minikube's own pods: the kubeadm control plane's requests (kube-apiserver 250m, kube-controller-manager 200m,
    /// kube-scheduler 100m, etcd 100m/100Mi), CoreDNS (100m/70Mi) and the kubelet's eviction threshold (100Mi),
    /// the ingress addon's ingress-nginx controller (100m/90Mi), and Calico, the CNI that enforces the
    /// NetworkPolicies (<c>--cni=calico</c>: calico-node 250m; calico-kube-controllers requests nothing).
    /// </summary>
    public static readonly ClusterBudget Minikube = new(1.1m, 360 * Mebi, SystemDisk);

    /// <summary>KEDA's Helm chart defaults: operator, metrics API server and admission webhooks, 100m/100Mi each.</summary>
    public static readonly ClusterBudget Keda = new(0.3m, 300 * Mebi, 0);

    /// <summary>
    /// An estimate, not measured here (no cluster runs here): the node's system, the control plane's, ingress's and
    /// KEDA's images and ours (mongo, mariadb, rabbitmq, smtp4dev, four .NET services, ffmpeg in the converter's).
    /// </summary>
    private const decimal SystemDisk = 10 * Gibi;

    public static ClusterBudget Of(IReadOnlyList<RenderedObject> objects)
    {
        var maxReplicas = objects.Where(o => o.Kind == "ScaledObject")
            .Select(o => o.As<ScaledObjectHead>())
            .ToDictionary(s => s.Spec.ScaleTargetRef.Name, s => s.Spec.MaxReplicaCount);
        var total = new ClusterBudget(0, 0, 0);
        foreach (var item in objects)
        {
            var (pod, pods, claims) = item.Kind switch
            {
                "Deployment" => Deployment(item.As<V1Deployment>(), maxReplicas),
                "StatefulSet" => StatefulSet(item.As<V1StatefulSet>()),
                "Job" => (item.As<V1Job>().Spec.Template.Spec, item.As<V1Job>().Spec.Parallelism ?? 1, []),
                _ => (null, 0, []),
            };
            if (pod is null)
            {
                continue;
            }

            var perPod = Pod(pod);
            var claimed = claims.Sum(c => c.Spec.Resources.Requests["storage"].ToDecimal());
            total += new ClusterBudget(perPod.Cpu * pods, perPod.MemoryBytes * pods, (perPod.DiskBytes + claimed) * pods);
        }

        return total;
    }

    public static ClusterBudget operator +(ClusterBudget a, ClusterBudget b) =>
        new(a.Cpu + b.Cpu, a.MemoryBytes + b.MemoryBytes, a.DiskBytes + b.DiskBytes);

    public bool FitsIn(ClusterBudget node) => Cpu <= node.Cpu && MemoryBytes <= node.MemoryBytes && DiskBytes <= node.DiskBytes;

    public override string ToString() =>
        $"{Cpu:0.###} CPU, {MemoryBytes / Gibi:0.##} GiB memory, {DiskBytes / Gibi:0.#} GiB disk";

    private static (V1PodSpec, int, IList<V1PersistentVolumeClaim>) Deployment(V1Deployment deployment, Dictionary<string, int> maxReplicas)
    {
        var replicas = maxReplicas.TryGetValue(deployment.Metadata.Name, out var scaled)
            ? scaled
            : deployment.Spec.Replicas ?? throw new InvalidOperationException($"Deployment {deployment.Metadata.Name} has no replicas and no ScaledObject.");
        return (deployment.Spec.Template.Spec, replicas + Surge(deployment.Spec.Strategy, replicas), []);
    }

    private static (V1PodSpec, int, IList<V1PersistentVolumeClaim>) StatefulSet(V1StatefulSet set) =>
        (set.Spec.Template.Spec, set.Spec.Replicas ?? 1, set.Spec.VolumeClaimTemplates ?? []);

    /// <summary>The pods a rolling update adds: maxSurge, a count or a percentage rounded up (default 25 %).</summary>
    private static int Surge(V1DeploymentStrategy? strategy, int replicas)
    {
        if (strategy?.Type == "Recreate")
        {
            return 0;
        }

        var surge = strategy?.RollingUpdate?.MaxSurge?.Value ?? "25%";
        return surge.EndsWith('%')
            ? (int)Math.Ceiling(replicas * decimal.Parse(surge[..^1], System.Globalization.CultureInfo.InvariantCulture) / 100)
            : int.Parse(surge, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A pod's requests (its containers', or its largest init container's if more) and its emptyDirs' sizes.</summary>
    private static ClusterBudget Pod(V1PodSpec pod)
    {
        static decimal Request(V1Container container, string resource) =>
            container.Resources?.Requests?.TryGetValue(resource, out var quantity) == true ? quantity.ToDecimal() : 0;

        decimal Effective(string resource) => Math.Max(
            pod.Containers.Sum(c => Request(c, resource)),
            (pod.InitContainers ?? []).Select(c => Request(c, resource)).DefaultIfEmpty(0).Max());

        var emptyDirs = (pod.Volumes ?? []).Where(v => v.EmptyDir is not null).ToList();
        var unbounded = emptyDirs.Where(v => v.EmptyDir.SizeLimit is null).Select(v => v.Name).ToList();
        if (unbounded.Count > 0)
        {
            throw new InvalidOperationException($"emptyDir without sizeLimit ({string.Join(", ", unbounded)}): its disk cannot be budgeted.");
        }

        return new ClusterBudget(Effective("cpu"), Effective("memory"), emptyDirs.Sum(v => v.EmptyDir.SizeLimit.ToDecimal()));
    }

    /// <summary>The part of a KEDA ScaledObject the budget reads (the client has no model for it).</summary>
    private sealed class ScaledObjectHead
    {
        public ScaledObjectSpec Spec { get; set; } = new();

        public sealed class ScaledObjectSpec
        {
            public ScaleTarget ScaleTargetRef { get; set; } = new();

            public int MaxReplicaCount { get; set; }
        }

        public sealed class ScaleTarget
        {
            public string Name { get; set; } = string.Empty;
        }
    }
}
