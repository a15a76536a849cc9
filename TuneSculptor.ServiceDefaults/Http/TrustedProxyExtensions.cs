using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TuneSculptor.ServiceDefaults.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The client address of a request (<c>HttpContext.Connection.RemoteIpAddress</c>, what rate limits and the login
/// throttle count against) is the last <c>X-Forwarded-For</c> entry when the peer is a trusted proxy
/// (<see cref="TrustedProxyOptions"/>), else the peer's own.
/// </summary>
public static class TrustedProxyExtensions
{
    /// <summary>
    /// Which forwarded headers are believed, from whom: the <see cref="TrustedProxyOptions"/>, checked at start, decide
    /// alone, whatever ASP.NET Core's defaults (loopback) or ASPNETCORE_FORWARDEDHEADERS_ENABLED (everyone) say.
    /// </summary>
    public static TBuilder AddTrustedProxies<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<TrustedProxyOptions>()
            .Bind(builder.Configuration.GetSection(TrustedProxyOptions.Section))
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptionsValidator>());

        // Post-configured, so it comes after every Configure: ASPNETCORE_FORWARDEDHEADERS_ENABLED's own setup clears
        // both lists, which would trust every peer.
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .PostConfigure<IOptions<TrustedProxyOptions>>((options, trustedOptions) =>
            {
                var trusted = trustedOptions.Value;
                // The client's address, and the scheme it used (links the gateway makes are https behind a TLS
                // ingress). With both lists empty the middleware would trust every peer, so then it reads no header.
                options.ForwardedHeaders = trusted.Any
                    ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                    : ForwardedHeaders.None;
                // Only the last entry: the proxy appends it; whatever the client wrote before it is the client's say.
                options.ForwardLimit = 1;
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var address in trusted.Addresses)
                {
                    options.KnownProxies.Add(IPAddress.Parse(address));
                }

                foreach (var network in trusted.Networks)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            });
        return builder;
    }

    /// <summary>
    /// Applies the forwarded headers first in the pipeline, exactly once: ASPNETCORE_FORWARDEDHEADERS_ENABLED (set by
    /// Aspire's publishing) makes ASP.NET Core's startup filter add the middleware already, with the same options.
    /// Twice would take a second entry, and a client could name its own address.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        // The startup filter's own test (Microsoft.AspNetCore.ForwardedHeadersStartupFilter).
        if (!string.Equals(app.Configuration["FORWARDEDHEADERS_ENABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
