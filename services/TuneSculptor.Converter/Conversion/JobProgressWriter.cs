using TuneSculptor.Contracts;
using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// Keeps a converting job's <c>progress</c> current in its document: the newest value reported, written once per
/// <see cref="Interval"/> when it has risen. ffmpeg reports twice a second per job; writing each of those would
/// hammer MongoDB for a bar that a page polls once a second.
/// </summary>
public sealed partial class JobProgressWriter : IProgress<double>, IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly JobId _jobId;
    private readonly IConversionJobs _jobs;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writing;
    private double _latest = -1;

    public JobProgressWriter(JobId jobId, IConversionJobs jobs, ILogger logger)
    {
        _jobId = jobId;
        _jobs = jobs;
        _logger = logger;
        _writing = WriteWhileRunningAsync(_stopping.Token);
    }

    /// <summary>The newest percentage; written at the next tick. Values come in rising (<see cref="FFmpegProgress"/>).</summary>
    public void Report(double value) => Volatile.Write(ref _latest, value);

    /// <summary>Stops writing; what comes next (done at 100, or failed) is the job's status change.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _writing;
        _stopping.Dispose();
    }

    private async Task WriteWhileRunningAsync(CancellationToken stopping)
    {
        var written = -1.0;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var latest = Volatile.Read(ref _latest);
                if (latest <= written)
                {
                    continue;
                }

                try
                {
                    await _jobs.ReportProgressAsync(_jobId, latest, stopping);
                    written = latest;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Progress is a courtesy: the conversion goes on, and the next tick tries again.
                    LogNotWritten(_jobId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed: the conversion is over.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Progress of job {JobId} could not be written")]
    private partial void LogNotWritten(JobId jobId, Exception exception);
}
