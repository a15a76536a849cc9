using System.Text.Json;
using System.Text.Json.Serialization;

namespace TuneSculptor.Contracts;

/// <summary>The queues between the services (the original system's names).</summary>
public static class Queues
{
    /// <summary>Videos waiting to be converted: <see cref="VideoUploaded"/>.</summary>
    public const string Video = "video";

    /// <summary>Finished jobs waiting to be mailed: <see cref="Mp3Ready"/> or <see cref="ConversionFailed"/>.</summary>
    public const string Mp3 = "mp3";
}

/// <summary>
/// A message on a queue: JSON with snake_case names, and its type and version in the AMQP <c>type</c> property
/// (<see cref="MessageType"/>). A new version of a message is a new type, so consumers can tell them apart.
/// </summary>
public interface IMessage
{
    string JobId { get; }
}

/// <summary>A video is stored in GridFS (bucket <c>videos</c>) and its job is queued.</summary>
[MessageType("video.uploaded.v1")]
public sealed record VideoUploaded(
    string JobId,
    string VideoFid,
    string Username,
    string UserId,
    string FileName,
    int? Bitrate) : IMessage;

/// <summary>The job is done: its mp3 is stored in GridFS (bucket <c>mp3s</c>).</summary>
[MessageType("mp3.ready.v1")]
public sealed record Mp3Ready(
    string JobId,
    string VideoFid,
    string Mp3Fid,
    string Username,
    string UserId,
    string FileName) : IMessage;

/// <summary>The job failed for good; <see cref="Reason"/> is written for the user.</summary>
[MessageType("conversion.failed.v1")]
public sealed record ConversionFailed(
    string JobId,
    string VideoFid,
    string Username,
    string UserId,
    string FileName,
    string Reason) : IMessage;

[AttributeUsage(AttributeTargets.Class)]
public sealed class MessageTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

public static class MessageType
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Of<T>() where T : IMessage => Of(typeof(T));

    public static string Of(Type messageType) =>
        messageType.GetCustomAttributes(typeof(MessageTypeAttribute), inherit: false) is [MessageTypeAttribute attribute]
            ? attribute.Name
            : throw new InvalidOperationException($"{messageType.Name} has no [MessageType].");
}
