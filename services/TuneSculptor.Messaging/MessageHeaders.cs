namespace TuneSculptor.Messaging;

/// <summary>
/// The headers this library writes on the copies of a message it sends to a retry queue or a dead-letter queue. The
/// retry story travels with the message rather than in the broker's counts: a quorum queue's <c>x-delivery-count</c>
/// starts again on each copy.
/// </summary>
public static class MessageHeaders
{
    /// <summary>Which attempt at the message its next delivery is, from 1 (absent: the first).</summary>
    public const string Attempt = "attempt";

    /// <summary>When handling the message first failed, in Unix milliseconds: its retries end <see cref="RetrySchedule.GiveUpAfter"/> later.</summary>
    public const string FirstFailedAt = "first-failed-at-ms";

    /// <summary>On a copy waiting to be retried: when it is due back in its work queue, in Unix milliseconds.</summary>
    public const string RetryAt = "retry-at-ms";

    /// <summary>The last failure, as its exception type and message (cut to <see cref="MaxErrorLength"/> characters).</summary>
    public const string LastError = "last-error";

    /// <summary>On a dead letter: why it failed for good, as its handler was told (written for the user).</summary>
    public const string DeadLetterReason = "dead-letter-reason";

    /// <summary>On a dead letter: <see cref="DeadLetterCauses"/>.</summary>
    public const string DeadLetterCause = "dead-letter-cause";

    /// <summary>On a dead letter: when it was dead-lettered, in Unix milliseconds.</summary>
    public const string DeadLetteredAt = "dead-lettered-at-ms";

    public const int MaxErrorLength = 1024;

    /// <summary>
    /// What the broker adds when it dead-letters a message (here: when a retry queue's time-to-live sends it back).
    /// They are left off the copies this library sends on, so a dead letter's <c>x-first-death-*</c> tell its last
    /// journey, not a retry long before.
    /// </summary>
    internal static readonly string[] BrokerDeathHeaders =
        ["x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue", "x-last-death-reason"];
}
