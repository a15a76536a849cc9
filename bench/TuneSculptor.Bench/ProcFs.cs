using System.Globalization;

namespace TuneSculptor.Bench;

/// <summary>What the benchmark reads from /proc.</summary>
public static class ProcFs
{
    public static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }

    public static IEnumerable<int> Children(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return [];
        }

        return Directory.EnumerateDirectories(tasks)
            .SelectMany(task =>
            {
                try
                {
                    return File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                }
                catch (IOException)
                {
                    return [];
                }
            })
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))
            .ToList();
    }

    /// <summary>Resident set size in bytes (VmRSS of /proc/PID/status).</summary>
    public static long ResidentBytes(int pid) => StatusBytes(pid, "VmRSS:");

    /// <summary>The resident set's high-water mark in bytes (VmHWM), since start or <see cref="ResetPeak"/>.</summary>
    public static long PeakResidentBytes(int pid) => StatusBytes(pid, "VmHWM:");

    /// <summary>Resets VmHWM to the current RSS (writing 5 to clear_refs); false where that is not allowed.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long StatusBytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // e.g. "VmRSS:	  123456 kB"
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"Process {pid} reports no {field}");
    }

    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))
            ?.Split(':', 2)[1].Trim() ?? "unknown";

    /// <summary>The 1-minute load average: how busy the machine was (other work shares the cores).</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}

/// <summary>Samples a process's resident memory every 100 ms from its creation until stopped; the peak is what counts.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly bool _hwmReset;

    public RssSampler(int pid)
    {
        _pid = pid;
        _hwmReset = ProcFs.ResetPeak(pid);
        Baseline = ProcFs.ResidentBytes(pid);
        Peak = Baseline;
        _sampling = SampleAsync();
    }

    public long Baseline { get; }

    /// <summary>The highest of the samples.</summary>
    public long Peak { get; private set; }

    public int Samples { get; private set; }

    /// <summary>The kernel's own peak (VmHWM) over the same span, catching what falls between samples; null where it could not be reset.</summary>
    public long? KernelPeak { get; private set; }

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

    /// <summary>Stops sampling after one last sample.</summary>
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        await _sampling;
        Sample();
        KernelPeak = _hwmReset ? ProcFs.PeakResidentBytes(_pid) : null;
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        Peak = Math.Max(Peak, ProcFs.ResidentBytes(_pid));
        Samples++;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
