namespace TuneSculptor.Testing;

/// <summary>A resource failed to start or exited while it was awaited; the message carries its state and last logs.</summary>
public sealed class ResourceFailedException(string message) : Exception(message);
