namespace TuneSculptor.AppHost;

public static class RunModePorts
{
    /// <summary>
    /// The fixed host port for something people open in run mode (the gateway, the UIs): the configured one, else
    /// <paramref name="defaultPort"/>; 0 means any free port. Publishing ignores it: ports there are the platform's.
    /// </summary>
    public static int? GetRunModePort(this IDistributedApplicationBuilder builder, string key, int defaultPort)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return null;
        }

        var port = builder.Configuration[key] is { Length: > 0 } configured
            ? int.TryParse(configured, out var parsed) && parsed is >= 0 and <= 65535
                ? parsed
                : throw new DistributedApplicationException($"{key} must be a TCP port (0 for any free port); got '{configured}'.")
            : defaultPort;
        return port == 0 ? null : port;
    }
}
