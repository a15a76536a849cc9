using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TuneSculptor.Hosting.Runtime;

public static class ServerResourceExtensions
{
    /// <summary>
    /// Configuration key: what the run's named data volumes start with (<c>tunesculptor</c> unless set), so that a
    /// run beside others (the tests) keeps its data in volumes of its own. Publishing always uses the default.
    /// </summary>
    public const string VolumePrefixKey = "CONTAINER_VOLUME_PREFIX";

    private const string DefaultVolumePrefix = "tunesculptor";

    /// <summary>
    /// Keeps the server's data between runs: a named volume mounted at <paramref name="containerPath"/> for a
    /// container, the data folder left in place for a host process.
    /// </summary>
    public static IResourceBuilder<T> WithDataKeptAt<T>(this IResourceBuilder<T> builder, string containerPath)
        where T : IServerResource
    {
        switch (builder.Resource)
        {
            case ContainerResource container:
                // A fixed name, not Aspire's default (which hashes the AppHost's path): the published manifest must
                // not depend on where the repository was cloned.
                var prefix = builder.ApplicationBuilder.ExecutionContext.IsRunMode
                    && builder.ApplicationBuilder.Configuration[VolumePrefixKey] is { Length: > 0 } configured
                        ? configured
                        : DefaultVolumePrefix;
                builder.ApplicationBuilder.CreateResourceBuilder(container)
                    .WithVolume($"{prefix}-{builder.Resource.Name}-data", containerPath);
                break;
            case ExecutableResource process:
                builder.ApplicationBuilder.CreateResourceBuilder(process).WithPersistentData();
                break;
        }

        return builder;
    }

    /// <summary>
    /// Gives a child resource (a database) the state of its server. Aspire does this for a container parent but not
    /// for an executable one, so without it a host-process server's databases never run and nothing that waits for
    /// them starts.
    /// </summary>
    public static IResourceBuilder<T> WithStateOfParent<T>(this IResourceBuilder<T> builder) where T : IResourceWithParent
    {
        if (builder.Resource.Parent is not ExecutableResource parent)
        {
            return builder;
        }

        var child = builder.Resource;
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((startEvent, cancellationToken) =>
        {
            var notifications = startEvent.Services.GetRequiredService<ResourceNotificationService>();
            var stopping = startEvent.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = MirrorStateAsync(notifications, parent, child, stopping);
            return Task.CompletedTask;
        });
        return builder;
    }

    private static async Task MirrorStateAsync(ResourceNotificationService notifications, IResource parent, IResource child, CancellationToken stopping)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                if (ReferenceEquals(update.Resource, parent))
                {
                    await notifications.PublishUpdateAsync(child, snapshot => snapshot with
                    {
                        State = update.Snapshot.State,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The application is stopping.
        }
    }

    /// <summary>Shows an endpoint only in the resource's details: it is for the server's own use, not for people.</summary>
    public static IResourceBuilder<T> WithInternalEndpointUrl<T>(this IResourceBuilder<T> builder, string endpointName)
        where T : IResourceWithEndpoints =>
        builder.WithUrlForEndpoint(endpointName, url => url.DisplayLocation = UrlDisplayLocation.DetailsOnly);
}
