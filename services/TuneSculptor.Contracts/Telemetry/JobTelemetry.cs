namespace TuneSculptor.Contracts.Telemetry;

/// <summary>Telemetry names every service and library agrees on, so that one job can be followed across them.</summary>
public static class JobTelemetry
{
    /// <summary>The job a span or measurement belongs to: how an operator finds a job's trace.</summary>
    public const string JobIdTag = "tunesculptor.job.id";
}
