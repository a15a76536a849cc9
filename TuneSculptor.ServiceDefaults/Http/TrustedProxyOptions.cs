namespace TuneSculptor.ServiceDefaults.Http;

/// <summary>
/// The peers whose <c>X-Forwarded-For</c> (and <c>-Proto</c>) a service believes (<c>TrustedProxies</c> section): for
/// the gateway its ingress, for auth the gateway, which appends the client's address. None by default; loopback in
/// Development (the services' appsettings.Development.json), where DCP's proxy, the gateway and the tests connect from;
/// when published, the AppHost's <c>trusted-proxy-network</c>. From any other peer the header is ignored, and the peer
/// itself is the client.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "TrustedProxies";

    /// <summary>Single addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] Addresses { get; set; } = [];

    /// <summary>Networks in CIDR notation, e.g. <c>10.244.0.0/16</c> (a Kubernetes pod network).</summary>
    public string[] Networks { get; set; } = [];

    /// <summary>Whether anyone is trusted at all: with nobody, no forwarded header is read.</summary>
    public bool Any => Addresses.Length + Networks.Length > 0;
}
