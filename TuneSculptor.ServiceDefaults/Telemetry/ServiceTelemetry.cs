using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace TuneSculptor.ServiceDefaults.Telemetry;

/// <summary>
/// The service's own <see cref="ActivitySource"/> and <see cref="Meter"/>, both named after the application: the
/// names <c>ConfigureOpenTelemetry</c> listens to, so whatever a service records here is exported.
/// </summary>
public sealed class ServiceTelemetry : IDisposable
{
    public ServiceTelemetry(IHostEnvironment environment, IMeterFactory meters)
    {
        ActivitySource = new ActivitySource(environment.ApplicationName);
        Meter = meters.Create(environment.ApplicationName);
    }

    public ActivitySource ActivitySource { get; }

    /// <summary>Owned by the meter factory, which disposes it.</summary>
    public Meter Meter { get; }

    public void Dispose() => ActivitySource.Dispose();
}
