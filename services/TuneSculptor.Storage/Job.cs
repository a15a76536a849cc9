using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace TuneSculptor.Storage;

public static class JobStatus
{
    public const string Queued = "queued";
    public const string Converting = "converting";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Expired = "expired";
}

/// <summary>A conversion job in the <c>jobs</c> collection: who asked, what was uploaded, where it stands.</summary>
public sealed class Job
{
    [BsonId]
    public ObjectId Id { get; set; }

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
    public ObjectId VideoFid { get; set; }

    /// <summary>Constant bitrate in kbps, or null for VBR quality 2.</summary>
    [BsonElement("bitrate")]
    public int? Bitrate { get; set; }

    [BsonElement("status")]
    public required string Status { get; set; }

    [BsonElement("mp3_fid")]
    public ObjectId? Mp3Fid { get; set; }

    [BsonElement("duration_seconds")]
    public double? DurationSeconds { get; set; }

    /// <summary>Why the job failed, written for the user.</summary>
    [BsonElement("error")]
    public string? Error { get; set; }

    [BsonElement("created_at")]
    public DateTime CreatedAt { get; set; }

    [BsonElement("updated_at")]
    public DateTime UpdatedAt { get; set; }

    /// <summary>When the user was mailed about the outcome; set once, so a redelivered message mails nobody.</summary>
    [BsonElement("notified_at")]
    public DateTime? NotifiedAt { get; set; }
}
