namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>What the cluster looks like from the outside: namespace, images, ingress hosts and limits.</summary>
public sealed record KubernetesEnvironment
{
    public string Namespace { get; init; } = "tunesculptor";

    /// <summary>Images are <c>{ImageRepositoryPrefix}/{service}:{ImageTag}</c>, as the projects' container settings name them.</summary>
    public string ImageRepositoryPrefix { get; init; } = "tunesculptor";

    public string ImageTag { get; init; } = "1.0.0";

    /// <summary>The port every one of our services listens on in its container (the .NET images' default).</summary>
    public int ServicePort { get; init; } = 8080;

    /// <summary>Host names the ingress routes: resource name → host (e.g. gateway → mp3converter.com).</summary>
    public IReadOnlyDictionary<string, IngressRoute> IngressRoutes { get; init; } = new Dictionary<string, IngressRoute>();

    /// <summary>The largest request body the ingress lets through (the gateway's upload limit plus room for the form).</summary>
    public long MaxRequestBodyBytes { get; init; }

    /// <summary>How long the ingress waits on a request (a 2 GiB upload or download on a slow line).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The project KEDA scales on the length of a queue, if any.</summary>
    public QueueScaling? QueueScaling { get; init; }

    /// <summary>The ingress controller's pods (minikube's ingress addon, as the upstream ingress-nginx manifests install it).</summary>
    public ClusterPods IngressController { get; init; } = new("ingress-nginx", "app.kubernetes.io/name", "ingress-nginx");

    /// <summary>The cluster's DNS server pods (CoreDNS keeps kube-dns's label).</summary>
    public ClusterPods Dns { get; init; } = new("kube-system", "k8s-app", "kube-dns");

    /// <summary>KEDA's operator, which runs the scalers (as KEDA's Helm chart and release manifests install it).</summary>
    public ClusterPods KedaOperator { get; init; } = new("keda", "app", "keda-operator");
}
