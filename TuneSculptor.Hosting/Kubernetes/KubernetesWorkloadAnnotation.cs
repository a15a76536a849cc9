namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>Marks a project resource with its <see cref="KubernetesWorkload"/>; services without one get the defaults.</summary>
public sealed class KubernetesWorkloadAnnotation(KubernetesWorkload workload) : IResourceAnnotation
{
    public KubernetesWorkload Workload { get; } = workload;
}
