using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>
/// The notification's writes: that a job's owner was told its outcome (<see cref="Job.NotifiedAt"/>), once; until then,
/// that the mail waits to be retried (<see cref="Job.MailRetry"/>) or could not be sent (<see cref="Job.MailError"/>).
/// Each says where the mail stands as a whole, so it replaces the others (but none replaces a mail sent).
/// </summary>
public interface INotificationLog : IJobReader
{
    /// <summary>Marks the user as told; false when that was already done (so the mail must not go again).</summary>
    Task<bool> MarkNotifiedAsync(JobId id, CancellationToken cancellationToken);

    /// <summary>
    /// The mail failed for a passing reason and waits to be tried again, as <paramref name="retry"/> says; false, and
    /// nothing written, once the mail is sent, or when a later attempt's retry is noted already (a note that comes late).
    /// </summary>
    Task<bool> NoteMailRetryAsync(JobId id, PendingRetry retry, CancellationToken cancellationToken);

    /// <summary>The mail could not be sent for good, for <paramref name="reason"/> (for the user); false once the mail is sent.</summary>
    Task<bool> MarkMailFailedAsync(JobId id, string reason, CancellationToken cancellationToken);
}
