namespace TuneSculptor.AppHost.Kubernetes;

/// <summary>How one of our services runs in Kubernetes: replicas, compute and how long it may take to stop.</summary>
public sealed record KubernetesWorkload
{
    public int Replicas { get; init; } = 1;

    public string CpuRequest { get; init; } = "100m";

    public string CpuLimit { get; init; } = "1";

    public string MemoryRequest { get; init; } = "128Mi";

    public string MemoryLimit { get; init; } = "512Mi";

    /// <summary>Scratch space mounted at /tmp (the root file system is read-only).</summary>
    public string TempSizeLimit { get; init; } = "256Mi";

    public TimeSpan TerminationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Marks a project resource with its <see cref="KubernetesWorkload"/>; services without one get the defaults.</summary>
public sealed class KubernetesWorkloadAnnotation(KubernetesWorkload workload) : IResourceAnnotation
{
    public KubernetesWorkload Workload { get; } = workload;
}

public static class KubernetesWorkloadExtensions
{
    public static IResourceBuilder<ProjectResource> WithKubernetesWorkload(
        this IResourceBuilder<ProjectResource> builder, KubernetesWorkload workload) =>
        builder.WithAnnotation(new KubernetesWorkloadAnnotation(workload), ResourceAnnotationMutationBehavior.Replace);

    public static KubernetesWorkload KubernetesWorkload(this ProjectResource project) =>
        project.TryGetLastAnnotation<KubernetesWorkloadAnnotation>(out var annotation) ? annotation.Workload : new KubernetesWorkload();
}
