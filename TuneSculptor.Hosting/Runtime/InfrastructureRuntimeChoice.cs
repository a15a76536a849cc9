namespace TuneSculptor.Hosting.Runtime;

/// <summary>
/// The chosen runtime and why, so the choice can be explained in the log; with containers, also where their images
/// come from (null for host processes).
/// </summary>
public sealed record InfrastructureRuntimeChoice(InfrastructureRuntime Runtime, string Reason, ContainerImageChoice? Images = null)
{
    /// <summary>The container engine probed for the choice, if one was.</summary>
    public ContainerRuntimeStatus? Engine { get; init; }
}
