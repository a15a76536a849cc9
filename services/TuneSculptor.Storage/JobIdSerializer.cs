using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>
/// Stores a <see cref="JobId"/> as the ObjectId it is (the jobs' <c>_id</c>, files' <c>metadata.job_id</c>), so the
/// documents read the same whatever reads them.
/// </summary>
public sealed class JobIdSerializer : StructSerializerBase<JobId>
{
    private static readonly JobIdSerializer Instance = new();

    /// <summary>
    /// Registers it for every <see cref="JobId"/> (and <c>JobId?</c>) the driver maps. The stores call this before
    /// their first use of a document; registering the one instance again is a no-op.
    /// </summary>
    public static void Register() => BsonSerializer.TryRegisterSerializer(Instance);

    public override JobId Deserialize(BsonDeserializationContext context, BsonDeserializationArgs args) =>
        context.Reader.GetCurrentBsonType() == BsonType.ObjectId
            ? JobIds.ToJobId(context.Reader.ReadObjectId())
            : throw new FormatException($"A job id is stored as an ObjectId, not as {context.Reader.GetCurrentBsonType()}.");

    public override void Serialize(BsonSerializationContext context, BsonSerializationArgs args, JobId value) =>
        context.Writer.WriteObjectId(JobIds.ToObjectId(value));
}
