using TuneSculptor.Contracts;
using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// Keeps this converter's hold on a job it converts: renews the lease every third of
/// <see cref="ConverterOptions.LeaseDuration"/>, so no other converter starts the job while this one lives, and trips
/// <see cref="Lost"/> when the job is no longer ours (deleted meanwhile, or taken over after renewals failed for a
/// whole lease). Disposed, it stops renewing; the job's next status change (done, failed) or
/// <see cref="IConversionJobs.ReleaseLeaseAsync"/> ends the lease.
/// </summary>
public sealed partial class JobLease : IAsyncDisposable
{
    private readonly JobId _jobId;
    private readonly string _owner;
    private readonly TimeSpan _duration;
    private readonly IConversionJobs _jobs;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewing;

    public JobLease(JobId jobId, string owner, TimeSpan duration, IConversionJobs jobs, ILogger logger)
    {
        _jobId = jobId;
        _owner = owner;
        _duration = duration;
        _jobs = jobs;
        _logger = logger;
        _renewing = RenewWhileConvertingAsync(_stopping.Token);
    }

    /// <summary>Cancelled once the job is found no longer held by this converter.</summary>
    public CancellationToken Lost => _lost.Token;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _renewing;
        _stopping.Dispose();
        _lost.Dispose();
    }

    private async Task RenewWhileConvertingAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_duration / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    if (!await _jobs.RenewLeaseAsync(_jobId, _owner, _duration, stopping))
                    {
                        LogLost(_jobId);
                        await _lost.CancelAsync();
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store is away: the next tick tries again; a lease that runs out meanwhile is found lost then.
                    LogNotRenewed(_jobId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed: the conversion is over.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} is no longer held by this converter (deleted, or taken over): stopping its conversion")]
    private partial void LogLost(JobId jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease on job {JobId} could not be renewed")]
    private partial void LogNotRenewed(JobId jobId, Exception exception);
}
