namespace TuneSculptor.Auth.Http;

/// <summary>
/// The peers whose <c>X-Forwarded-For</c> auth believes (<c>Auth:TrustedProxies</c>): the gateway, which appends the
/// client's address to it. Auth's own setting, apart from the gateway's trust in its ingress: the two are different
/// hops. None by default; Development trusts loopback (appsettings.Development.json), where the gateway runs beside it.
/// From any other peer the header is ignored, and logins are counted against the peer itself.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "Auth:TrustedProxies";

    /// <summary>Single addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] Addresses { get; set; } = [];

    /// <summary>Networks in CIDR notation, e.g. <c>10.244.0.0/16</c> (a Kubernetes pod network).</summary>
    public string[] Networks { get; set; } = [];
}
