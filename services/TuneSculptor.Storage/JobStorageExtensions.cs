using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TuneSculptor.Storage;

/// <summary>
/// The jobs collection as each owner sees it: a service registers only its own interface, so it cannot write
/// another's fields (docs/architecture.md). All need <see cref="MongoDatabaseExtensions.AddMongoDatabase"/>.
/// </summary>
public static class JobStorageExtensions
{
    /// <summary>The gateway's: creating jobs (<see cref="IJobSubmissions"/>) and reading its users' (<see cref="IJobQueries"/>).</summary>
    public static IServiceCollection AddJobSubmissions(this IServiceCollection services) =>
        services.AddJobs<IJobSubmissions, JobSubmissions>().AddJobs<IJobQueries, JobQueries>();

    /// <summary>
    /// The gateway's per-user limits: what a user holds (<see cref="UserUsage"/>) and the slots they hold open
    /// (<see cref="UserReservations"/>).
    /// </summary>
    public static IServiceCollection AddUserLimitStores(this IServiceCollection services)
    {
        services.TryAddSingleton<JobsCollection>();
        services.AddSingleton<UserReservations>();
        return services.AddSingleton(s => new UserUsage(s.GetRequiredService<MongoDB.Driver.IMongoDatabase>(), s.GetRequiredService<JobsCollection>()));
    }

    /// <summary>The converter's: the conversion state (<see cref="IConversionJobs"/>).</summary>
    public static IServiceCollection AddConversionJobs(this IServiceCollection services) =>
        services.AddJobs<IConversionJobs, ConversionJobs>();

    /// <summary>The notification's: who was told (<see cref="INotificationLog"/>).</summary>
    public static IServiceCollection AddNotificationLog(this IServiceCollection services) =>
        services.AddJobs<INotificationLog, NotificationLog>();

    private static IServiceCollection AddJobs<TService, TImplementation>(this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService
    {
        services.TryAddSingleton<JobsCollection>();
        return services.AddSingleton<TService, TImplementation>();
    }
}
