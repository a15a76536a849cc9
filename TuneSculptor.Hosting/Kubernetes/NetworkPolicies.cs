using k8s.Models;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// NetworkPolicies: who may open a connection to a server, and where a service may connect to. Peers in our
/// namespace are named by their <c>app.kubernetes.io/name</c> label, as Services select them. A pod that any policy
/// selects for a direction refuses all traffic in that direction that no policy allows; policies add up.
/// </summary>
internal static class NetworkPolicies
{
    /// <summary>The label Kubernetes puts on every namespace, holding its name.</summary>
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    /// <summary>
    /// Connections to <paramref name="server"/>'s pods on <paramref name="port"/> from the pods named
    /// <paramref name="clients"/> only; from none when there are none (a rule without peers would admit everyone).
    /// </summary>
    public static V1NetworkPolicy FromClients(string server, IEnumerable<string> clients, int port, string version)
    {
        var peers = clients.Distinct().Order(StringComparer.Ordinal).Select(client => new V1NetworkPolicyPeer { PodSelector = Pods(client) }).ToList();
        return Policy($"{server}-from-clients", server, version,
            ingress: peers.Count == 0 ? [] : [new V1NetworkPolicyIngressRule { FromProperty = peers, Ports = [TcpPort(port)] }]);
    }

    /// <summary>
    /// Connections to <paramref name="server"/>'s pods on <paramref name="port"/> from pods of another namespace (the
    /// ingress controller, an operator), named <c>server-from-<paramref name="what"/></c>.
    /// </summary>
    public static V1NetworkPolicy FromCluster(string server, string what, ClusterPods clients, int port, string version) =>
        Policy($"{server}-from-{what}", server, version, ingress: [new V1NetworkPolicyIngressRule { FromProperty = [Peer(clients)], Ports = [TcpPort(port)] }]);

    /// <summary>
    /// <paramref name="workload"/> may connect to <paramref name="servers"/> (pod name → port) and to the cluster's
    /// DNS, and nowhere else.
    /// </summary>
    public static V1NetworkPolicy EgressOnlyTo(string workload, IReadOnlyDictionary<string, int> servers, ClusterPods dns, string version) =>
        Policy($"{workload}-egress", workload, version, egress:
        [
            .. servers.OrderBy(s => s.Key, StringComparer.Ordinal).Select(server => new V1NetworkPolicyEgressRule
            {
                To = [new V1NetworkPolicyPeer { PodSelector = Pods(server.Key) }],
                Ports = [TcpPort(server.Value)],
            }),
            new V1NetworkPolicyEgressRule
            {
                To = [Peer(dns)],
                Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, new V1NetworkPolicyPort { Protocol = "TCP", Port = 53 }],
            },
        ]);

    private static V1NetworkPolicy Policy(
        string name, string podsOf, string version, IList<V1NetworkPolicyIngressRule>? ingress = null, IList<V1NetworkPolicyEgressRule>? egress = null) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = Metadata(name, "network-policy", version),
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = Pods(podsOf),
            PolicyTypes = ingress is null ? ["Egress"] : ["Ingress"],
            Ingress = ingress,
            Egress = egress,
        },
    };

    private static V1LabelSelector Pods(string name) => new() { MatchLabels = Selector(name) };

    private static V1NetworkPolicyPeer Peer(ClusterPods pods) => new()
    {
        NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [NamespaceNameLabel] = pods.Namespace } },
        PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [pods.Label] = pods.Value } },
    };

    private static V1NetworkPolicyPort TcpPort(int port) => new() { Protocol = "TCP", Port = port };
}
