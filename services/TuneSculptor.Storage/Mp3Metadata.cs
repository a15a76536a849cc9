using MongoDB.Bson.Serialization.Attributes;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>What the converter writes on an mp3 it made (GridFS metadata, bucket <c>mp3s</c>).</summary>
[BsonIgnoreExtraElements]
public sealed class Mp3Metadata
{
    [BsonElement("owner_id")]
    public required string OwnerId { get; init; }

    /// <summary>The job it was made for; null only on a file stored by other means (the benchmark does).</summary>
    [BsonElement("job_id")]
    public required JobId? JobId { get; init; }

    /// <summary>The uploaded video's name, which names the download; null only on a file stored by other means.</summary>
    [BsonElement("original_name")]
    public required string? OriginalName { get; init; }

    [BsonElement("duration_seconds")]
    public required double DurationSeconds { get; init; }

    /// <summary>Constant bitrate in kbps, or null (stored as null) for VBR quality 2.</summary>
    [BsonElement("bitrate")]
    public required int? Bitrate { get; init; }
}
