namespace TuneSculptor.Hosting.Kubernetes;

/// <summary>
/// Scales <paramref name="Service"/> between the bounds on messages in <paramref name="Queue"/>, ready or being worked
/// on, as the broker's management API (<paramref name="BrokerManagement"/>) counts them.
/// </summary>
public sealed record QueueScaling(string Service, string Queue, EndpointReference BrokerManagement, int MessagesPerReplica, int MinReplicas, int MaxReplicas);
