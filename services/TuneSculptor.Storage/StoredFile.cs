using MongoDB.Bson;

namespace TuneSculptor.Storage;

/// <summary>A file in GridFS and what it says about itself (its metadata, typed by bucket).</summary>
public sealed record StoredFile<TMetadata>(ObjectId Id, string FileName, long Length, TMetadata Metadata);
