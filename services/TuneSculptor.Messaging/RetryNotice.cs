namespace TuneSculptor.Messaging;

/// <summary>
/// What a handler is told when a message of its failed transiently and a copy now waits to be tried again
/// (<see cref="IMessageHandler{TMessage}.OnRetryScheduledAsync"/>): why, which attempt it was, and when the next is due.
/// <see cref="Failure"/> is for the handler to describe in its users' words (it knows its failures best): never show
/// its text to a user as it is.
/// </summary>
/// <param name="Failure">What the attempt threw.</param>
/// <param name="Attempt">Which attempt failed, from 1: the next is <c>Attempt + 1</c>.</param>
/// <param name="FirstFailedAt">When handling the message first failed: its retries end the schedule's <see cref="RetrySchedule.GiveUpAfter"/> later.</param>
/// <param name="NextAttemptAt">When the copy is due back in its work queue (the retry's delay, jitter included, from the failure).</param>
public sealed record RetryNotice(Exception Failure, int Attempt, DateTimeOffset FirstFailedAt, DateTimeOffset NextAttemptAt)
{
    /// <summary>How to tell a user about a failure a handler has no better words for.</summary>
    public const string TemporaryProblem = "temporary problem";
}
