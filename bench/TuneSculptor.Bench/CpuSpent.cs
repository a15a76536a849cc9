namespace TuneSculptor.Bench;

/// <summary>CPU time each process of the system spent (keys of <see cref="SystemCpu"/>) over a window of wall time.</summary>
public sealed record CpuSpent(IReadOnlyDictionary<string, TimeSpan> ByProcess, TimeSpan Window)
{
    /// <summary>The system's total: every process but Aspire's DCP, which exists only in development.</summary>
    public TimeSpan System => ByProcess.Where(spent => spent.Key != Bench.SystemCpu.Orchestrator)
        .Aggregate(TimeSpan.Zero, (sum, spent) => sum + spent.Value);
}
