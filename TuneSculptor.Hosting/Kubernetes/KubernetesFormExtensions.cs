namespace TuneSculptor.Hosting.Kubernetes;

public static class KubernetesFormExtensions
{
    /// <summary>
    /// Gives the resource its Kubernetes form, made only when publishing (as Aspire's <c>PublishAsKubernetesService</c>
    /// is applied): only publishing reads it, and only then is the resource sure to be the container it describes.
    /// </summary>
    public static IResourceBuilder<T> WithKubernetesForm<T>(this IResourceBuilder<T> builder, Func<T, IKubernetesForm> createForm)
        where T : IResource =>
        builder.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? builder.WithAnnotation(new KubernetesFormAnnotation(createForm(builder.Resource)), ResourceAnnotationMutationBehavior.Replace)
            : builder;
}
