namespace TuneSculptor.Hosting.Runtime;

/// <summary>The image source chosen, whether its images can be had on this machine, and why.</summary>
public sealed record ContainerImageChoice(ContainerImageSource Source, bool CanBeHad, string Reason);
