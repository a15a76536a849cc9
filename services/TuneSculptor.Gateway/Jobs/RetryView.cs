using System.ComponentModel;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Jobs;

/// <summary>
/// A stage of the job that failed for a passing reason and waits to be tried again: the page says "waiting to retry:
/// {reason}, next try in {next_attempt_at − now}".
/// </summary>
public sealed record RetryView(
    [property: Description("conversion, or mail (the mail about the outcome; the job itself is done or failed then).")] string Stage,
    [property: Description("Why, in a few words for the user: storage unavailable, converters busy, mail server unreachable, mail server asked us to try later, temporary problem.")] string Reason,
    [property: Description("Which attempt failed, from 1.")] int Attempt,
    [property: Description("When the next attempt is due. It may lie in the past by a moment: the attempt is then under way.")] DateTime NextAttemptAt)
{
    public const string ConversionStage = "conversion";
    public const string MailStage = "mail";

    /// <summary>The retry the job waits for, if any: its conversion's while queued or converting, else its mail's until sent.</summary>
    internal static RetryView? Of(Job job) => job switch
    {
        { Status: JobStatus.Queued or JobStatus.Converting, ConversionRetry: { } conversion } => From(ConversionStage, conversion),
        { Status: JobStatus.Done or JobStatus.Failed, NotifiedAt: null, MailRetry: { } mail } => From(MailStage, mail),
        _ => null,
    };

    private static RetryView From(string stage, PendingRetry retry) => new(stage, retry.Reason, retry.Attempt, retry.NextAttemptAt);
}
