namespace TuneSculptor.Messaging;

/// <summary>What becomes of a message whose handling failed (<see cref="RetryPolicy.Decide"/>).</summary>
internal abstract record RetryDecision
{
    private RetryDecision()
    {
    }

    /// <summary>
    /// Tried again: a copy waits in the retry queue of <paramref name="Tier"/> (its time-to-live) for
    /// <paramref name="Delay"/> (the tier less its jitter), then goes back to the work queue.
    /// </summary>
    public sealed record RetryLater(TimeSpan Tier, TimeSpan Delay) : RetryDecision;

    /// <summary>
    /// Failed for good: <paramref name="Reason"/> (for the user) is recorded, then the message is dead-lettered.
    /// <paramref name="Permanent"/>: retrying could not help; otherwise its retries are over.
    /// </summary>
    public sealed record FailForGood(string Reason, bool Permanent) : RetryDecision
    {
        public string Cause => Permanent ? DeadLetterCauses.Permanent : DeadLetterCauses.GaveUp;
    }
}
