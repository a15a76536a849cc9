using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>Reading a job by id, as the services that act on its messages do.</summary>
public interface IJobReader
{
    Task<Job?> FindAsync(JobId id, CancellationToken cancellationToken);
}
