namespace TuneSculptor.Messaging;

/// <summary>Why a message was dead-lettered (<see cref="MessageHeaders.DeadLetterCause"/>).</summary>
public static class DeadLetterCauses
{
    /// <summary>Its handler said retrying cannot help (<see cref="Contracts.PermanentFailureException"/>).</summary>
    public const string Permanent = "permanent";

    /// <summary>It failed transiently until its queue's <see cref="RetrySchedule.GiveUpAfter"/> was over.</summary>
    public const string GaveUp = "gave-up";

    /// <summary>It could not be read, or no handler takes its type.</summary>
    public const string Unreadable = "unreadable";
}
