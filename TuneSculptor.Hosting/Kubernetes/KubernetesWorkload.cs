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

    public TimeSpan TerminationGracePeriod { get; init; } = TimeSpan.FromSeconds(30);
}
