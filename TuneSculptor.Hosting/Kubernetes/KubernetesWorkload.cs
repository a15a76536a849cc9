namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>How one of our services runs in Kubernetes: replicas, compute and how long it may take to stop.</summary>
public sealed record KubernetesWorkload
{
    public int Replicas { get; init; } = 1;

    /// <summary>What the scheduler reserves: our HTTP services idle far below it between requests.</summary>
    public string CpuRequest { get; init; } = "50m";

    public string CpuLimit { get; init; } = "1";

    public string MemoryRequest { get; init; } = "128Mi";

    public string MemoryLimit { get; init; } = "512Mi";

    /// <summary>Scratch space mounted at /tmp (the root file system is read-only).</summary>
    public string TempSizeLimit { get; init; } = "256Mi";

    /// <summary>
    /// From the start of a pod's termination to its kill: covers <see cref="PreStopDelay"/> and then the time the
    /// process takes to finish its work in flight after SIGTERM.
    /// </summary>
    public TimeSpan TerminationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a terminating pod keeps serving before it gets SIGTERM (a <c>preStop</c> sleep), or none. Removing
    /// a pod from its Service's endpoints reaches kube-proxy and the ingress controller a few seconds after the pod
    /// starts terminating: without the delay, requests still routed to it in that window are refused.
    /// </summary>
    public TimeSpan? PreStopDelay { get; init; }

    /// <summary>
    /// When set, the service may open connections only to the servers and services it references in the model, and
    /// to the cluster's DNS (a NetworkPolicy): for a service that handles untrusted input and needs nothing else.
    /// </summary>
    public bool EgressOnlyToReferences { get; init; }
}
