using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// What the NetworkPolicies of a rendering let through, decided as the Kubernetes API defines it: a connection from
/// one pod to another's port is allowed when the source may send it (no Egress policy selects the source, or one of
/// those that do allows the destination and port) and the destination may receive it (likewise with Ingress). A peer
/// with only a pod selector means pods of the policy's namespace; with a namespace selector, pods of the matching
/// namespaces; a rule without peers or ports matches all.
/// </summary>
public sealed class ClusterTraffic
{
    public const string Namespace = "tunesculptor";

    private readonly IReadOnlyList<V1NetworkPolicy> _policies;

    public ClusterTraffic(IEnumerable<RenderedObject> rendering)
    {
        var objects = rendering.ToList();
        _policies = objects.Where(o => o.Kind == "NetworkPolicy").Select(o => o.As<V1NetworkPolicy>()).ToList();
        Pods = objects.Where(o => o.Kind is "Deployment" or "StatefulSet" or "Job")
            .Select(o => new ClusterPod(Namespace, PodLabels(o)))
            .ToList();
    }

    /// <summary>The pods of the rendering's workloads, one per Deployment, StatefulSet or Job.</summary>
    public IReadOnlyList<ClusterPod> Pods { get; }

    public IReadOnlyList<V1NetworkPolicy> Policies => _policies;

    public ClusterPod Pod(string name) => Pods.Single(p => p.Name == name);

    public bool Allows(ClusterPod from, ClusterPod to, int port, string protocol = "TCP") =>
        MaySend(from, to, port, protocol) && MayReceive(from, to, port, protocol);

    public bool MayReceive(ClusterPod from, ClusterPod to, int port, string protocol = "TCP")
    {
        var selecting = Selecting(to, "Ingress").ToList();
        return selecting.Count == 0 || selecting.Any(policy =>
            (policy.Spec.Ingress ?? []).Any(rule => Matches(rule.FromProperty, policy, from) && Matches(rule.Ports, port, protocol)));
    }

    public bool MaySend(ClusterPod from, ClusterPod to, int port, string protocol = "TCP")
    {
        var selecting = Selecting(from, "Egress").ToList();
        return selecting.Count == 0 || selecting.Any(policy =>
            (policy.Spec.Egress ?? []).Any(rule => Matches(rule.To, policy, to) && Matches(rule.Ports, port, protocol)));
    }

    /// <summary>The policies of a direction that select <paramref name="pod"/>.</summary>
    public IEnumerable<V1NetworkPolicy> Selecting(ClusterPod pod, string policyType) =>
        _policies.Where(p => pod.Namespace == Namespace && Selects(p.Spec.PodSelector, pod.Labels) && PolicyTypes(p).Contains(policyType));

    /// <summary>Without policyTypes, Ingress always, Egress when the policy has egress rules (the API's default).</summary>
    private static IList<string> PolicyTypes(V1NetworkPolicy policy) =>
        policy.Spec.PolicyTypes ?? (policy.Spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"]);

    private static bool Matches(IList<V1NetworkPolicyPeer>? peers, V1NetworkPolicy policy, ClusterPod pod) =>
        peers is not { Count: > 0 } || peers.Any(peer => peer switch
        {
            { IpBlock: not null } => throw new NotSupportedException("ipBlock peers are not evaluated here"),
            { NamespaceSelector: null } => pod.Namespace == Namespace && Selects(peer.PodSelector, pod.Labels),
            _ => Selects(peer.NamespaceSelector, pod.NamespaceLabels) && (peer.PodSelector is null || Selects(peer.PodSelector, pod.Labels)),
        });

    private static bool Matches(IList<V1NetworkPolicyPort>? ports, int port, string protocol) =>
        ports is not { Count: > 0 } || ports.Any(p => (p.Protocol ?? "TCP") == protocol && (p.Port is null || p.Port.Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels)
    {
        if (selector.MatchExpressions is { Count: > 0 })
        {
            throw new NotSupportedException("matchExpressions are not evaluated here");
        }

        return (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value);
    }

    private static Dictionary<string, string> PodLabels(RenderedObject workload) => new(workload.Kind switch
    {
        "Deployment" => workload.As<V1Deployment>().Spec.Template.Metadata.Labels,
        "StatefulSet" => workload.As<V1StatefulSet>().Spec.Template.Metadata.Labels,
        _ => workload.As<V1Job>().Spec.Template.Metadata.Labels,
    });
}

/// <summary>A pod as NetworkPolicies see it: its namespace (and that namespace's labels) and its labels.</summary>
public sealed record ClusterPod(string Namespace, IDictionary<string, string> Labels)
{
    /// <summary>Every namespace carries its name as a label.</summary>
    public IDictionary<string, string> NamespaceLabels => new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = Namespace };

    /// <summary>Its name label, or the one label a pod elsewhere is given here.</summary>
    public string Name => Labels.TryGetValue("app.kubernetes.io/name", out var name) ? name : Labels.Single().Value;

    public static ClusterPod Elsewhere(string ns, string label, string value) => new(ns, new Dictionary<string, string> { [label] = value });

    public override string ToString() => $"{Namespace}/{Name}";
}
