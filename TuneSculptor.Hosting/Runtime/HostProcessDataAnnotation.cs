namespace TuneSculptor.Hosting.Runtime;

/// <summary>The folder a host-process server keeps its data in, and whether it outlives the run.</summary>
public sealed class HostProcessDataAnnotation(string directory) : IResourceAnnotation
{
    public string Directory { get; } = directory;

    /// <summary>Set by <c>WithDataVolume()</c>: the host-process counterpart of a container's data volume.</summary>
    public bool Persistent { get; set; }
}
