using TuneSculptor.Contracts;

namespace TuneSculptor.Gateway.Uploads;

/// <summary><c>POST /upload</c>'s answer (202, with the job's <c>Location</c>): the job made for the video.</summary>
public sealed record AcceptedUpload(JobId JobId, string Status);
