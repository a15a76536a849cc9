namespace TuneSculptor.Hosting.Runtime;

/// <summary>Whether a container engine answered, and what it said if it did not.</summary>
public sealed record ContainerRuntimeStatus(string Runtime, bool IsHealthy, string Detail);
