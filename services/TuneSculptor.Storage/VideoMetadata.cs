using MongoDB.Bson.Serialization.Attributes;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>What the gateway writes on an uploaded video (GridFS metadata, bucket <c>videos</c>).</summary>
[BsonIgnoreExtraElements]
public sealed class VideoMetadata
{
    [BsonElement("owner_id")]
    public required string OwnerId { get; init; }

    [BsonElement("owner_email")]
    public required string OwnerEmail { get; init; }

    /// <summary>The job it was uploaded for; null only on a file stored by other means (an operator, say).</summary>
    [BsonElement("job_id")]
    public required JobId? JobId { get; init; }

    /// <summary>The file name as uploaded (cleaned).</summary>
    [BsonElement("original_name")]
    public required string OriginalName { get; init; }

    [BsonElement("content_type")]
    public required string ContentType { get; init; }
}
