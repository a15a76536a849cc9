using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>The notification's write: that a job's owner was told its outcome (<see cref="Job.NotifiedAt"/>), once.</summary>
public interface INotificationLog : IJobReader
{
    /// <summary>Marks the user as told; false when that was already done (so the mail must not go again).</summary>
    Task<bool> MarkNotifiedAsync(JobId id, CancellationToken cancellationToken);
}
