namespace TuneSculptor.Testing;

/// <summary>What every object has: its type and metadata.</summary>
public sealed class ObjectHead
{
    public string ApiVersion { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    public k8s.Models.V1ObjectMeta Metadata { get; set; } = new();
}
