using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>
/// A conversion job in the <c>jobs</c> collection: who asked, what was uploaded, where it stands. Every service
/// reads it; each field has one writer (docs/architecture.md): the gateway the submission, the converter the
/// conversion state (with <see cref="ConversionRetry"/>), the notification the mail's (<see cref="NotifiedAt"/>,
/// <see cref="MailRetry"/>, <see cref="MailError"/>). The one exception: the gateway sets the status to
/// <c>deleted</c> when the owner deletes the job, and every conversion transition is conditional on the status, so
/// none leaves <c>deleted</c>; and <see cref="ChangedAt"/>, which whoever changes what the owner sees moves.
/// </summary>
public sealed class Job
{
    // Submission facts: written once, by the gateway (IJobSubmissions).

    [BsonId]
    public JobId Id { get; set; }

    [BsonElement("owner_id")]
    public required string OwnerId { get; set; }

    [BsonElement("owner_email")]
    public required string OwnerEmail { get; set; }

    [BsonElement("file_name")]
    public required string FileName { get; set; }

    [BsonElement("content_type")]
    public string? ContentType { get; set; }

    [BsonElement("size")]
    public long Size { get; set; }

    [BsonElement("video_fid")]
    public ObjectId VideoFileId { get; set; }

    /// <summary>Constant bitrate in kbps, or null for VBR quality 2.</summary>
    [BsonElement("bitrate")]
    public int? Bitrate { get; set; }

    // Conversion state: the converter's (IConversionJobs), from `queued` on.

    [BsonElement("status")]
    public required string Status { get; set; }

    /// <summary>
    /// How far a conversion has come, 0 to 100 with one decimal, from ffmpeg's own count of the time it has read
    /// against the source's duration; 100 once done. Null until ffmpeg has read the source's duration, for the whole
    /// conversion of a source that declares none (a live-style stream), and before converting starts.
    /// </summary>
    [BsonElement("progress")]
    public double? Progress { get; set; }

    /// <summary>The mp3, once done; kept after it expires or is deleted, so a link to it can be told why it is dead.</summary>
    [BsonElement("mp3_fid")]
    public ObjectId? Mp3FileId { get; set; }

    /// <summary>
    /// The converter instance working on the job, while it converts: it renews <see cref="LeaseUntil"/> as it goes, and
    /// no other converter starts the job before that time has passed (a redelivery while it works). Cleared when the
    /// job is done or failed, or the holder lets go (stopped, or failed in a way a retry may mend).
    /// </summary>
    [BsonElement("lease_owner")]
    public string? LeaseOwner { get; set; }

    /// <summary>Until when <see cref="LeaseOwner"/> holds the job; past it, a converter whose holder died takes it over.</summary>
    [BsonElement("lease_until")]
    public DateTime? LeaseUntil { get; set; }

    [BsonElement("duration_seconds")]
    public double? DurationSeconds { get; set; }

    /// <summary>Why the job failed, written for the user.</summary>
    [BsonElement("error")]
    public string? Error { get; set; }

    /// <summary>
    /// While queued or converting: the conversion failed for a passing reason (the store away, say) and waits to be
    /// tried again. Cleared when converting starts again, and when the job is done or failed. Absent otherwise.
    /// </summary>
    [BsonElement("conversion_retry")]
    [BsonIgnoreIfNull]
    public PendingRetry? ConversionRetry { get; set; }

    /// <summary>When the gateway created the job.</summary>
    [BsonElement("created_at")]
    public DateTime CreatedAt { get; set; }

    /// <summary>When its status last changed: the converter's clock, which the retention sweep goes by.</summary>
    [BsonElement("updated_at")]
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// When anything its owner sees of it last changed (created, any status, progress, a retry waiting, the mail's
    /// state, deleted), whoever wrote it:
    /// the gateway's event stream reads only what changed since its last look (and the pruning of old jobs goes by it).
    /// Null only on a job stored before it existed.
    /// </summary>
    [BsonElement("changed_at")]
    public DateTime? ChangedAt { get; set; }

    /// <summary>
    /// When the user was mailed about the outcome (the notification's, through INotificationLog); set once, so a
    /// redelivered message mails nobody.
    /// </summary>
    [BsonElement("notified_at")]
    public DateTime? NotifiedAt { get; set; }

    // The mail's state until it is sent: the notification's (INotificationLog), cleared when it is.

    /// <summary>The mail about the outcome failed for a passing reason (the mail server away) and waits to be tried again.</summary>
    [BsonElement("mail_retry")]
    [BsonIgnoreIfNull]
    public PendingRetry? MailRetry { get; set; }

    /// <summary>The mail about the outcome could not be sent at all (its retries are over, or the address was refused): why, for the user.</summary>
    [BsonElement("mail_error")]
    [BsonIgnoreIfNull]
    public string? MailError { get; set; }
}
