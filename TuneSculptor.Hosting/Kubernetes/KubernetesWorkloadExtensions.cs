namespace TuneSculptor.Hosting.Kubernetes;

public static class KubernetesWorkloadExtensions
{
    public static IResourceBuilder<ProjectResource> WithKubernetesWorkload(
        this IResourceBuilder<ProjectResource> builder, KubernetesWorkload workload) =>
        builder.WithAnnotation(new KubernetesWorkloadAnnotation(workload), ResourceAnnotationMutationBehavior.Replace);

    public static KubernetesWorkload KubernetesWorkload(this ProjectResource project) =>
        project.TryGetLastAnnotation<KubernetesWorkloadAnnotation>(out var annotation) ? annotation.Workload : new KubernetesWorkload();
}
