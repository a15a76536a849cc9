using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TuneSculptor.AppHost;

public static class ReadinessLog
{
    /// <summary>The line logged once every resource is healthy; eng/run.sh waits for it.</summary>
    public const string AllHealthyMessage = "All {Count} resources are healthy, {Seconds:0.0} s after start";

    /// <summary>Logs once when every resource of the model is running and healthy, with the time it took.</summary>
    public static IDistributedApplicationBuilder LogWhenAllResourcesHealthy(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((startEvent, cancellationToken) =>
        {
            var stopwatch = Stopwatch.StartNew();
            var services = startEvent.Services;
            var notifications = services.GetRequiredService<ResourceNotificationService>();
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("TuneSculptor.AppHost");
            // Ours, that is: not parameters, nor Aspire's own hidden resources such as the dashboard.
            var names = startEvent.Model.Resources
                .Where(r => r is not ParameterResource && !r.HasAnnotationOfType<HiddenAnnotation>())
                .Select(r => r.Name)
                .ToArray();
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.WhenAll(names.Select(name => notifications.WaitForResourceHealthyAsync(name, stopping)));
                    logger.LogInformation(AllHealthyMessage, names.Length, stopwatch.Elapsed.TotalSeconds);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Stopped before everything was up.
                }
            });
            return Task.CompletedTask;
        });
        return builder;
    }
}
