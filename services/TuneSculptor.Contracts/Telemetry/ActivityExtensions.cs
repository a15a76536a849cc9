using System.Diagnostics;

namespace TuneSculptor.Contracts.Telemetry;

/// <summary>
/// How every span of the pipeline says it failed, whether the messaging library, a service or a driver wrapper
/// records it: here, the one project all of them reference.
/// </summary>
public static class ActivityExtensions
{
    /// <summary>Marks the span failed, with the exception as an event, so the dashboard shows it red with the reason.</summary>
    public static void RecordFailure(this Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddException(exception);
    }
}
