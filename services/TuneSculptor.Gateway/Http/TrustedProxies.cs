using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TuneSculptor.Gateway.Http;

/// <summary>
/// <c>X-Forwarded-For</c> (and <c>-Proto</c>), honoured only from the proxies <see cref="TrustedProxyOptions"/> names: from any other
/// peer the header is ignored and the peer itself is the client. ASP.NET Core's default (loopback) is cleared, and with
/// nothing configured no header is read, so nothing is trusted unless configured. Only the last hop is taken (one proxy, the ingress, in front).
/// </summary>
public static class TrustedProxies
{
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        var trusted = builder.Configuration.GetSection(TrustedProxyOptions.Section).Get<TrustedProxyOptions>() ?? new();
        var proxies = trusted.KnownProxies.Select(text => Parse<IPAddress?>(text, IPAddress.TryParse)!).ToList();
        var networks = trusted.KnownNetworks.Select(text => Parse<System.Net.IPNetwork>(text, System.Net.IPNetwork.TryParse)).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            // The client's address, and the scheme it used (links the gateway makes are https behind a TLS ingress).
            // With both lists empty the middleware would trust every peer, so then it reads no header at all: this
            // also overrides ASPNETCORE_FORWARDEDHEADERS_ENABLED (set by Aspire's publishing), which trusts everyone.
            options.ForwardedHeaders = proxies.Count + networks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                : ForwardedHeaders.None;
            options.ForwardLimit = 1;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            proxies.ForEach(options.KnownProxies.Add);
            networks.ForEach(options.KnownIPNetworks.Add);
        });
        return builder;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static T Parse<T>(string text, TryParse<T> tryParse) =>
        tryParse(text.Trim(), out var value)
            ? value
            : throw new InvalidOperationException(
                $"'{text}' in {TrustedProxyOptions.Section} is not an IP address (KnownProxies) or a CIDR network (KnownNetworks).");
}
