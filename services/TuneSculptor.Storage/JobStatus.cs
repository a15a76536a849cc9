namespace TuneSculptor.Storage;

/// <summary>
/// Where a job stands: <c>queued</c> when the gateway creates it, then the converter's to change; <c>deleted</c> is the
/// owner's word (through the gateway), and final: no other transition leaves it.
/// </summary>
public static class JobStatus
{
    public const string Queued = "queued";
    public const string Converting = "converting";
    public const string Done = "done";
    public const string Failed = "failed";
    public const string Expired = "expired";
    public const string Deleted = "deleted";
}
