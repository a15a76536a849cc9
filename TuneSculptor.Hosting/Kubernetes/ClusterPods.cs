namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// Pods the cluster runs outside our namespace (the ingress controller, DNS, KEDA), as NetworkPolicies name them:
/// the namespace by its <c>kubernetes.io/metadata.name</c> label, the pods by one label.
/// </summary>
public sealed record ClusterPods(string Namespace, string Label, string Value);
