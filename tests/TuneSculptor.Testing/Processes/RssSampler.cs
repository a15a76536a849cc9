namespace TuneSculptor.Testing;

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

    /// <summary>How far the memory rose above where it started: the highest sample, or the kernel's peak if higher.</summary>
    public long Growth => Math.Max(Peak, KernelPeak ?? 0) - Baseline;

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
