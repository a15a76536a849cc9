using OpenTelemetry.Instrumentation.AspNetCore;

namespace TuneSculptor.Gateway.Downloads;

public static class DownloadLinkRedaction
{
    /// <summary>
    /// A link's signature is a credential: it must not reach traces. The instrumentation blanks query values by default,
    /// but that default is one environment variable away from off; a request carrying a <c>sig</c> loses its
    /// <c>url.query</c> attribute here, whatever that setting. (Request logs are not written: Microsoft.AspNetCore logs
    /// at Warning, see appsettings.json.)
    /// </summary>
    public static IHostApplicationBuilder RedactDownloadLinksInTraces(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            var enrich = options.EnrichWithHttpRequest;
            options.EnrichWithHttpRequest = (activity, request) =>
            {
                enrich?.Invoke(activity, request);
                if (request.Query.ContainsKey("sig"))
                {
                    activity.SetTag("url.query", null);
                }
            };
        });
        return builder;
    }
}
