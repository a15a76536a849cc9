using k8s;
using k8s.Models;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>An object of a kind the Kubernetes client has no model for (a custom resource such as KEDA's).</summary>
public sealed class GenericObject(string apiVersion, string kind, V1ObjectMeta metadata, IDictionary<string, object> spec) : IKubernetesObject<V1ObjectMeta>
{
    public string ApiVersion { get; set; } = apiVersion;

    public string Kind { get; set; } = kind;

    public V1ObjectMeta Metadata { get; set; } = metadata;

    public IDictionary<string, object> Spec { get; } = spec;
}
