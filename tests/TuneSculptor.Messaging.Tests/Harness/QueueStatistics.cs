namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>
/// A queue as the management API counts it: messages ready and delivered but unacknowledged now; deliveries,
/// redeliveries (a message handed back) and acks so far.
/// </summary>
public sealed record QueueStatistics(long Ready, long Unacknowledged, long Delivered, long Redelivered, long Acked);
