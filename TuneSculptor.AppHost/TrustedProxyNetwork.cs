namespace TuneSculptor.AppHost;

public static class TrustedProxyNetwork
{
    /// <summary>
    /// minikube's pod network (the runbook's cluster), where ingress-nginx's pods run. Another cluster sets its own pod
    /// CIDR, or the ingress controller's, through the parameter.
    /// </summary>
    public const string PublishedDefault = "10.244.0.0/16";

    private const string ParameterName = "trusted-proxy-network";

    /// <summary>The services' one setting of trusted networks (TuneSculptor.ServiceDefaults' <c>TrustedProxyOptions</c>).</summary>
    private const string Setting = "TrustedProxies__Networks__0";

    /// <summary>
    /// Tells <paramref name="service"/> whose <c>X-Forwarded-For</c> to believe (<c>TrustedProxies:Networks</c>):
    /// when published, the network of the one <c>trusted-proxy-network</c> parameter (default
    /// <see cref="PublishedDefault"/>), where the ingress (for the gateway's per-address rate limits) and the gateway
    /// (for auth's login throttle) run; NetworkPolicies let only those reach them there. In run mode nothing is set:
    /// Development trusts loopback (the services' appsettings.Development.json), where DCP's proxy and the tests
    /// connect from.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTrustedProxyNetwork(this IResourceBuilder<ProjectResource> service)
    {
        var builder = service.ApplicationBuilder;
        if (builder.ExecutionContext.IsRunMode)
        {
            return service;
        }

        var parameter = builder.Resources.OfType<ParameterResource>().SingleOrDefault(p => p.Name == ParameterName) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : builder.AddParameter(ParameterName, PublishedDefault, publishValueAsDefault: true);
        return service.WithEnvironment(Setting, parameter);
    }
}
