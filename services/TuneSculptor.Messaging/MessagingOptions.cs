namespace TuneSculptor.Messaging;

/// <summary>
/// Settings of the <c>Messaging</c> section the same for every service: queues are declared with them. How each queue
/// retries is its own (<see cref="QueueOptions.Retry"/>).
/// </summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>
    /// Deliveries of one copy of a message that may end unsettled (its consumer crashed or stopped with it) before the
    /// broker dead-letters it (the quorum queue's <c>x-delivery-limit</c>): the guard against a message that kills its
    /// consumer. Retries on the schedule are new copies and do not count toward it.
    /// </summary>
    public int DeliveryLimit { get; set; } = 5;

    /// <summary>How long a publish may wait for the broker's confirm before it counts as failed (and is retried).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a message that failed for good is held while its failure cannot be recorded (job store down), before
    /// it is handed back to be dead-lettered unrecorded.
    /// </summary>
    public TimeSpan FailureRecordingTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often a service counts the dead letters of the queues it consumes (<see cref="DeadLetterMonitor"/>): the
    /// dead-letter metric and health check are that old at most.
    /// </summary>
    public TimeSpan DeadLetterPollInterval { get; set; } = TimeSpan.FromSeconds(30);
}
