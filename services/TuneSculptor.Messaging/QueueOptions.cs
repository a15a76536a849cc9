namespace TuneSculptor.Messaging;

/// <summary>
/// How one queue is consumed: named options, one per queue, set by the service that consumes it
/// (<see cref="MessagingBuilder.ConfigureQueue{TSettings}"/>, <see cref="MessagingBuilder.ConfigureRetry"/>) and by
/// configuration (<c>Messaging:Retry</c> for every queue, then <c>Messaging:Queues:{queue}</c>).
/// </summary>
public sealed class QueueOptions
{
    /// <summary>Messages handled at once (and fetched ahead).</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>How long work in flight may go on after a stop is asked for; then it is cancelled and handed back.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>When a message that failed transiently is tried again, and for how long.</summary>
    public RetrySchedule Retry { get; set; } = new();
}
