using TuneSculptor.Testing;

namespace TuneSculptor.Bench;

/// <summary>A process's memory (VmRSS, sampled every 100 ms) while something runs.</summary>
public static class ProcessMemory
{
    /// <summary>
    /// Runs <paramref name="action"/> while sampling <paramref name="pid"/>: its result, and how long it took with
    /// the memory before and during it.
    /// </summary>
    public static async Task<(T Result, TransferResult Memory)> MeasureAsync<T>(int pid, long bytes, Func<Task<T>> action)
    {
        await using var sampler = new RssSampler(pid);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = await action();
        var elapsed = stopwatch.Elapsed;
        await sampler.StopAsync();
        return (result, new TransferResult(bytes, elapsed, sampler.Baseline, sampler.Peak, sampler.Samples, sampler.KernelPeak));
    }
}
