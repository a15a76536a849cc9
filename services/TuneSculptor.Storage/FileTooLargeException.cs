namespace TuneSculptor.Storage;

/// <summary>Thrown when an upload grows past its limit; nothing of it stays stored.</summary>
public sealed class FileTooLargeException(long limit) : Exception($"The file is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
