namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>Routes <paramref name="Host"/> to the endpoint <paramref name="EndpointName"/> of a resource.</summary>
public sealed record IngressRoute(string Host, string EndpointName);
