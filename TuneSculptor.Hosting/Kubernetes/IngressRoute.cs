namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// Routes <paramref name="Host"/> to the endpoint <paramref name="EndpointName"/> of a resource; in the base, or only
/// with the kustomize component <paramref name="Component"/> when the route is optional (an admin UI).
/// </summary>
public sealed record IngressRoute(string Host, string EndpointName, string? Component = null)
{
    /// <summary>
    /// Served over HTTPS, with plain HTTP redirected, where the <c>tls</c> component is on (the published overlays
    /// use it): for routes that carry credentials or tokens.
    /// </summary>
    public bool Https { get; init; }
}
