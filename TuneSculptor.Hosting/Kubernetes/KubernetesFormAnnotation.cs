namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>Carries a server resource's <see cref="IKubernetesForm"/> to the Kubernetes publisher.</summary>
public sealed class KubernetesFormAnnotation(IKubernetesForm form) : IResourceAnnotation
{
    public IKubernetesForm Form { get; } = form;
}
