using System.ComponentModel;

namespace TuneSculptor.Gateway.Uploads;

/// <summary>
/// The parts of <c>POST /upload</c>'s multipart/form-data body, as the OpenAPI document describes them; the endpoint
/// reads them itself, as they arrive (<see cref="UploadForm"/>).
/// </summary>
public sealed record UploadRequest(
    [property: Description("The video (or audio) file; its name, cleaned, names the job and the mp3.")] IFormFile File,
    [property: Description("A constant bitrate in kbps: 96, 128, 160, 192, 256 or 320. Without it the mp3 is VBR quality 2.")] int? Bitrate = null);
