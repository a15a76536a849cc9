namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>Scales <paramref name="Service"/> between the bounds on messages in <paramref name="Queue"/>, ready or being worked on.</summary>
public sealed record QueueScaling(string Service, string Queue, int MessagesPerReplica, int MinReplicas, int MaxReplicas);
