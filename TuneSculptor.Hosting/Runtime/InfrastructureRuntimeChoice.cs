namespace TuneSculptor.Hosting.Runtime;

/// <summary>The chosen runtime and why, so the choice can be explained in the log.</summary>
public sealed record InfrastructureRuntimeChoice(InfrastructureRuntime Runtime, string Reason);
