using TuneSculptor.Contracts;
using static TuneSculptor.Storage.JobsCollection;

namespace TuneSculptor.Storage;

internal sealed class NotificationLog(JobsCollection jobs) : INotificationLog
{
    public Task<Job?> FindAsync(JobId id, CancellationToken cancellationToken) => jobs.FindAsync(id, cancellationToken);

    // Not updated_at: that is the conversion's clock (the retention sweep fails jobs by it), not the notification's.
    public async Task<bool> MarkNotifiedAsync(JobId id, CancellationToken cancellationToken)
    {
        var result = await jobs.Documents.UpdateOneAsync(
            ById(id) & Filter.Eq(j => j.NotifiedAt, null),
            Update.Set(j => j.NotifiedAt, jobs.Now),
            cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }
}
