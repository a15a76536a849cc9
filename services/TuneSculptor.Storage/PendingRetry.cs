using MongoDB.Bson.Serialization.Attributes;

namespace TuneSculptor.Storage;

/// <summary>
/// A stage of a job (its conversion, or the mail about it) that failed for a passing reason and waits to be tried
/// again, as its owner may read it: <see cref="Job.ConversionRetry"/>, <see cref="Job.MailRetry"/>.
/// </summary>
public sealed class PendingRetry
{
    /// <summary>Why it waits, in a few words for the user ("mail server unreachable"), never an exception's text.</summary>
    [BsonElement("reason")]
    public required string Reason { get; set; }

    /// <summary>Which attempt failed, from 1.</summary>
    [BsonElement("attempt")]
    public int Attempt { get; set; }

    /// <summary>When the next attempt is due (UTC, to the millisecond).</summary>
    [BsonElement("next_attempt_at")]
    public DateTime NextAttemptAt { get; set; }

    public static PendingRetry Of(string reason, int attempt, DateTimeOffset nextAttemptAt) =>
        new() { Reason = reason, Attempt = attempt, NextAttemptAt = nextAttemptAt.UtcDateTime };
}
