using MongoDB.Bson;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>The facts of a submission, the gateway's to write: a job is created from them, <c>queued</c>.</summary>
public sealed record NewJob(
    JobId Id,
    string OwnerId,
    string OwnerEmail,
    string FileName,
    string ContentType,
    long Size,
    ObjectId VideoFileId,
    int? Bitrate);
