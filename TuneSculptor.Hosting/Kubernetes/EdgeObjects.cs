using k8s;
using System.Globalization;
using k8s.Models;
using static TuneSculptor.Hosting.Kubernetes.KubernetesObjects;

namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>The way in (an nginx Ingress) and the optional way to scale (a KEDA ScaledObject).</summary>
internal static class EdgeObjects
{
    public const string KedaAuthenticationName = "rabbitmq-keda";

    /// <summary>The Ingress of the base's routes (those of no component).</summary>
    public const string IngressName = PartOf;

    /// <summary>The Secret (created at deploy time) holding the management API URL with KEDA's own credentials.</summary>
    public static readonly SecretValue KedaHost = new("rabbitmq-keda", "host", "KEDA_RABBITMQ_HOST");

    /// <summary>
    /// Tells kustomize that a TriggerAuthentication names a Secret, so the reference follows the Secret's hashed name
    /// (kustomize rewrites only the references of the kinds it knows).
    /// </summary>
    public const string KedaSecretReferences = """
        nameReference:
        - kind: Secret
          version: v1
          fieldSpecs:
          - group: keda.sh
            kind: TriggerAuthentication
            path: spec/secretTargetRef/name

        """;

    /// <summary>An Ingress named <paramref name="name"/> for <paramref name="routes"/> (resource name → route).</summary>
    public static V1Ingress Ingress(
        KubernetesEnvironment cluster, string name, IEnumerable<KeyValuePair<string, IngressRoute>> routes, Func<string, string, int> portOf)
    {
        var timeout = ((int)cluster.RequestTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return new V1Ingress
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "Ingress",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Labels = Labels(name, "ingress", cluster.ImageTag),
                Annotations = new Dictionary<string, string>
                {
                    // Uploads stream through to the gateway (which stores them as they arrive) instead of being
                    // spooled to the ingress's disk first; downloads likewise.
                    ["nginx.ingress.kubernetes.io/proxy-body-size"] = cluster.MaxRequestBodyBytes.ToString(CultureInfo.InvariantCulture),
                    ["nginx.ingress.kubernetes.io/proxy-request-buffering"] = "off",
                    ["nginx.ingress.kubernetes.io/proxy-buffering"] = "off",
                    ["nginx.ingress.kubernetes.io/proxy-read-timeout"] = timeout,
                    ["nginx.ingress.kubernetes.io/proxy-send-timeout"] = timeout,
                },
            },
            Spec = new V1IngressSpec
            {
                IngressClassName = "nginx",
                Rules = routes.OrderBy(r => r.Value.Host, StringComparer.Ordinal).Select(route => new V1IngressRule
                {
                    Host = route.Value.Host,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend
                                    {
                                        Name = route.Key,
                                        Port = new V1ServiceBackendPort { Number = portOf(route.Key, route.Value.EndpointName) },
                                    },
                                },
                            },
                        ],
                    },
                }).ToList(),
            },
        };
    }

    /// <summary>
    /// KEDA scaling on the management API (protocol http), which counts messages being worked on as well as ready
    /// ones: with AMQP only ready messages count, and long conversions would scale the converter down mid-job. KEDA's
    /// operator, which asks, is let through to the broker's management port (<paramref name="managementPort"/>).
    /// </summary>
    public static IEnumerable<IKubernetesObject> QueueScaler(QueueScaling scaling, KubernetesEnvironment cluster, int managementPort, string brokerVersion)
    {
        var version = cluster.ImageTag;
        yield return NetworkPolicies.FromCluster(scaling.BrokerManagement.Resource.Name, "keda", cluster.KedaOperator, managementPort, brokerVersion);
        yield return new GenericObject("keda.sh/v1alpha1", "TriggerAuthentication", Metadata(KedaAuthenticationName, "autoscaling", version),
            new Dictionary<string, object>
            {
                ["secretTargetRef"] = new[]
                {
                    new Dictionary<string, object> { ["parameter"] = "host", ["name"] = KedaHost.SecretName, ["key"] = KedaHost.Key },
                },
            });
        yield return new GenericObject("keda.sh/v1alpha1", "ScaledObject", Metadata(scaling.Service, "autoscaling", version),
            new Dictionary<string, object>
            {
                ["scaleTargetRef"] = new Dictionary<string, object> { ["apiVersion"] = "apps/v1", ["kind"] = "Deployment", ["name"] = scaling.Service },
                ["minReplicaCount"] = scaling.MinReplicas,
                ["maxReplicaCount"] = scaling.MaxReplicas,
                ["triggers"] = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["type"] = "rabbitmq",
                        ["metadata"] = new Dictionary<string, object>
                        {
                            ["protocol"] = "http",
                            ["queueName"] = scaling.Queue,
                            ["vhostName"] = "/",
                            ["mode"] = "QueueLength",
                            ["value"] = scaling.MessagesPerReplica.ToString(CultureInfo.InvariantCulture),
                        },
                        ["authenticationRef"] = new Dictionary<string, object> { ["name"] = KedaAuthenticationName },
                    },
                },
            });
    }
}
