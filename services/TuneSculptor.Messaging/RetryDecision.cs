namespace TuneSculptor.Messaging;

/// <summary>What becomes of a message whose handling failed (<see cref="RetryPolicy.Decide"/>).</summary>
internal abstract record RetryDecision
{
    private RetryDecision()
    {
    }

    /// <summary>Handed back after <paramref name="Delay"/>, to be delivered again.</summary>
    public sealed record HandBack(TimeSpan Delay) : RetryDecision;

    /// <summary>
    /// Failed for good: <paramref name="Reason"/> (for the user) is recorded, then the message is dead-lettered.
    /// <paramref name="Permanent"/>: retrying could not help; otherwise its last delivery failed.
    /// </summary>
    public sealed record FailForGood(string Reason, bool Permanent) : RetryDecision;
}
