namespace TuneSculptor.Gateway.Http;

/// <summary>
/// Which peers may tell the gateway a client's address in <c>X-Forwarded-For</c> (<c>ForwardedHeaders</c> section):
/// in Kubernetes the ingress controller's pod network (set by the AppHost when publishing), loopback in Development;
/// nothing anywhere else.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.244.0.0/16</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];
}
