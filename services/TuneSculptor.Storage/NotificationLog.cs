using MongoDB.Driver;
using TuneSculptor.Contracts;
using static TuneSculptor.Storage.JobsCollection;

namespace TuneSculptor.Storage;

internal sealed class NotificationLog(JobsCollection jobs) : INotificationLog
{
    public Task<Job?> FindAsync(JobId id, CancellationToken cancellationToken) => jobs.FindAsync(id, cancellationToken);

    // Never updated_at: that is the conversion's clock (the retention sweep fails jobs by it), not the notification's.
    // changed_at: the owner's page shows where the mail stands.
    public async Task<bool> MarkNotifiedAsync(JobId id, CancellationToken cancellationToken)
    {
        var now = jobs.Now;
        var result = await jobs.Documents.UpdateOneAsync(
            NotMailed(id),
            Update.Set(j => j.NotifiedAt, now).Unset(j => j.MailRetry).Unset(j => j.MailError).Set(j => j.ChangedAt, now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<bool> NoteMailRetryAsync(JobId id, PendingRetry retry, CancellationToken cancellationToken)
    {
        var result = await jobs.Documents.UpdateOneAsync(
            NotMailed(id) & (Filter.Eq(j => j.MailRetry, null) | Filter.Lt(j => j.MailRetry!.Attempt, retry.Attempt)),
            Update.Set(j => j.MailRetry, retry).Unset(j => j.MailError).Set(j => j.ChangedAt, jobs.Now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<bool> MarkMailFailedAsync(JobId id, string reason, CancellationToken cancellationToken)
    {
        var result = await jobs.Documents.UpdateOneAsync(
            NotMailed(id),
            Update.Set(j => j.MailError, reason).Unset(j => j.MailRetry).Set(j => j.ChangedAt, jobs.Now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    private static FilterDefinition<Job> NotMailed(JobId id) => ById(id) & Filter.Eq(j => j.NotifiedAt, null);
}
