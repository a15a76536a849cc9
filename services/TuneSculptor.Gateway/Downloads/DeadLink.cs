using TuneSculptor.Gateway.Http;

namespace TuneSculptor.Gateway.Downloads;

/// <summary>
/// The answers to a download link that does not open its file. Statuses: 403 a link we did not make (tampered, for
/// another file, malformed), 410 a link of ours whose time is up or whose file its owner deleted, 404 a link of ours
/// whose file is gone otherwise.
/// </summary>
public static class DeadLink
{
    public static readonly LinkPage Invalid = new(
        StatusCodes.Status403Forbidden,
        "This download link is not valid.",
        "It may have been changed or cut short on its way. Open the link from the mail again, or sign in to download the file from your list.");

    public static readonly LinkPage Expired = new(
        StatusCodes.Status410Gone,
        "This download link has expired.",
        "Files and their links are kept for a limited time, and this one's is up. Upload the video again for a new mp3.");

    public static readonly LinkPage Deleted = new(
        StatusCodes.Status410Gone,
        "This file was deleted.",
        "Its owner deleted it, and its links with it.");

    public static readonly LinkPage Missing = new(
        StatusCodes.Status404NotFound,
        "This file is no longer stored.",
        "The link is genuine, but its file cannot be found. Sign in to see your conversions.");
}
