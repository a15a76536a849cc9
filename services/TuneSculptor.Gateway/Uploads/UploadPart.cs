namespace TuneSculptor.Gateway.Uploads;

/// <summary>A part of the upload form, checked.</summary>
public abstract record UploadPart
{
    private UploadPart()
    {
    }

    /// <summary>
    /// The video (part <c>file</c>) under its cleaned name; <see cref="Content"/> streams it from the request and is
    /// readable until the next part is asked for.
    /// </summary>
    public sealed record Video(string FileName, string ContentType, Stream Content) : UploadPart;

    /// <summary>The constant bitrate asked for (part <c>bitrate</c>), one of <see cref="UploadForm.Bitrates"/>.</summary>
    public sealed record Bitrate(int Kbps) : UploadPart;
}
