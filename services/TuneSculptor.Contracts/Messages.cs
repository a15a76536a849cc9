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

    /// <summary>
    /// Mails about an account, from auth to the notification: <see cref="VerificationMailRequested"/> or
    /// <see cref="RegistrationAttempted"/>. A queue of its own, so a backlog of job mails never delays a verification.
    /// </summary>
    public const string AccountMail = "account-mail";
}

/// <summary>
/// A message on a queue: JSON with snake_case names, and its type and version in the AMQP <c>type</c> property
/// (<see cref="MessageType"/>). A new version of a message is a new type, so consumers can tell them apart.
/// A message carries exactly what its subscriber needs (docs/architecture.md); readers ignore members they do not
/// know, so a field can be dropped without a new version. The wire names are the original system's, hence the
/// <see cref="JsonPropertyNameAttribute"/>s where the C# name says more.
/// </summary>
public interface IMessage
{
    /// <summary>The id of what the message is about (a job, an account): the AMQP correlation id.</summary>
    string CorrelationId { get; }

    /// <summary>How logs name what the message is about, e.g. <c>Job 65f…</c>.</summary>
    string Subject { get; }
}

/// <summary>A message about one conversion job.</summary>
public interface IJobMessage : IMessage
{
    JobId JobId { get; }

    string IMessage.CorrelationId => JobId.ToString();

    string IMessage.Subject => $"Job {JobId}";
}

/// <summary>
/// A video is stored in GridFS (bucket <c>videos</c>) and its job is queued: everything the converter needs to
/// convert it, store the mp3 for its owner and tell them.
/// </summary>
[MessageType("video.uploaded.v1")]
public sealed record VideoUploaded(
    JobId JobId,
    [property: JsonPropertyName("video_fid")] string VideoFileId,
    [property: JsonPropertyName("username")] string OwnerEmail,
    [property: JsonPropertyName("user_id")] string OwnerId,
    string FileName,
    int? Bitrate) : IJobMessage;

/// <summary>The job is done: its mp3 is stored in GridFS (bucket <c>mp3s</c>); the notification mails the link.</summary>
[MessageType("mp3.ready.v1")]
public sealed record Mp3Ready(
    JobId JobId,
    [property: JsonPropertyName("mp3_fid")] string Mp3FileId,
    [property: JsonPropertyName("username")] string OwnerEmail,
    string FileName) : IJobMessage;

/// <summary>The job failed for good; <see cref="Reason"/> is written for the user.</summary>
[MessageType("conversion.failed.v1")]
public sealed record ConversionFailed(
    JobId JobId,
    [property: JsonPropertyName("username")] string OwnerEmail,
    string FileName,
    string Reason) : IJobMessage;

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
