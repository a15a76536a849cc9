using System.ComponentModel;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Jobs;

/// <summary>Where the mail about a finished job's outcome stands.</summary>
public sealed record MailView(
    [property: Description("sent; waiting (to be retried: see retry); or failed (not sent at all: see reason; a done job's mp3 is still there to download).")] string State,
    [property: Description("While waiting or failed: why, for the user.")] string? Reason,
    [property: Description("When sent.")] DateTime? SentAt)
{
    public const string Sent = "sent";
    public const string Waiting = "waiting";
    public const string Failed = "failed";

    /// <summary>Null until the job is finished, and while its mail is on its way with nothing gone wrong.</summary>
    internal static MailView? Of(Job job) => job switch
    {
        { Status: not (JobStatus.Done or JobStatus.Failed or JobStatus.Expired) } => null,
        { NotifiedAt: { } sentAt } => new(Sent, null, sentAt),
        { MailRetry: { } retry } => new(Waiting, retry.Reason, null),
        { MailError: { } error } => new(Failed, error, null),
        _ => null,
    };
}
