namespace TuneSculptor.AppHost;

public static class TrustedProxyNetwork
{
    /// <summary>
    /// minikube's pod network (the runbook's cluster), where ingress-nginx's pods run. Another cluster sets its own pod
    /// CIDR, or the ingress controller's, through the parameter.
    /// </summary>
    public const string PublishedDefault = "10.244.0.0/16";

    /// <summary>
    /// Tells the gateway whose <c>X-Forwarded-For</c> to believe (its per-address rate limits go by it): when published,
    /// the network of the <c>trusted-proxy-network</c> parameter (default <see cref="PublishedDefault"/>), where the
    /// ingress runs; its NetworkPolicy lets only the ingress reach it there. In run mode nothing is set: Development
    /// trusts loopback (appsettings.Development.json), where DCP's proxy and the tests connect from.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTrustedProxyNetwork(this IResourceBuilder<ProjectResource> gateway)
    {
        if (gateway.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return gateway;
        }

        var parameter = gateway.ApplicationBuilder.AddParameter("trusted-proxy-network", PublishedDefault, publishValueAsDefault: true);
        return gateway.WithEnvironment("ForwardedHeaders__KnownNetworks__0", parameter);
    }
}
