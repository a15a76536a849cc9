namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>Routes <paramref name="Host"/> to the endpoint <paramref name="EndpointName"/> of a resource.</summary>
public sealed record IngressRoute(string Host, string EndpointName)
{
    /// <summary>
    /// Served over HTTPS, with plain HTTP redirected, where the <c>tls</c> component is on (the published overlays
    /// use it): for routes that carry credentials or tokens.
    /// </summary>
    public bool Https { get; init; }
}
