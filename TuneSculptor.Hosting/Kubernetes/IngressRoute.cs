namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// Routes <paramref name="Host"/> to the endpoint <paramref name="EndpointName"/> of a resource; in the base, or only
/// with the kustomize component <paramref name="Component"/> when the route is optional (an admin UI).
/// </summary>
public sealed record IngressRoute(string Host, string EndpointName, string? Component = null);
