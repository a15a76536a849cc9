namespace TuneSculptor.Messaging;

/// <summary>Retry settings (<c>Messaging</c> section), the same for every service: queues are declared with them.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>
    /// Redeliveries after transient failures before a message is dead-lettered (the quorum queue's
    /// <c>x-delivery-limit</c>): a message is handled at most this many times plus one.
    /// </summary>
    public int DeliveryLimit { get; set; } = 5;

    /// <summary>First wait before a failed message is handed back; it doubles with each redelivery.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a publish may wait for the broker's confirm before it counts as failed (and is retried).</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a message that failed for good is held while its failure cannot be recorded (job store down), before
    /// it is handed back to be dead-lettered unrecorded.
    /// </summary>
    public TimeSpan FailureRecordingTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
