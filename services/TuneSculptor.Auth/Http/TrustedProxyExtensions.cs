using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TuneSculptor.Auth.Http;

public static class TrustedProxyExtensions
{
    /// <summary>
    /// The client address of a request is the last <c>X-Forwarded-For</c> entry when the peer is a trusted proxy
    /// (<see cref="TrustedProxyOptions"/>), else the peer's own: that is what failed logins are counted against. Only
    /// the last entry (ForwardLimit 1): the gateway appends it, whatever the client wrote before it is the client's say.
    /// </summary>
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        var trusted = builder.Configuration.GetSection(TrustedProxyOptions.Section).Get<TrustedProxyOptions>() ?? new TrustedProxyOptions();
        var addresses = trusted.Addresses.Select(address => IPAddress.TryParse(address, out var parsed)
            ? parsed
            : throw new FormatException($"{TrustedProxyOptions.Section}:Addresses: '{address}' is not an IP address."));
        var networks = trusted.Networks.Select(network => System.Net.IPNetwork.TryParse(network, out var parsed)
            ? parsed
            : throw new FormatException($"{TrustedProxyOptions.Section}:Networks: '{network}' is not a network in CIDR notation."));

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = 1;
            // ASP.NET Core trusts loopback by default, and ASPNETCORE_FORWARDEDHEADERS_ENABLED (set in containers) trusts
            // everyone: neither is our decision, so only what is configured counts.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var address in addresses)
            {
                options.KnownProxies.Add(address);
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }

    /// <summary>
    /// Applies the forwarded headers, unless ASPNETCORE_FORWARDEDHEADERS_ENABLED put the middleware first already (with
    /// the same options): twice would take a second entry, and a client could name its own address.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (!string.Equals(app.Configuration["FORWARDEDHEADERS_ENABLED"], bool.TrueString, StringComparison.OrdinalIgnoreCase))
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}
