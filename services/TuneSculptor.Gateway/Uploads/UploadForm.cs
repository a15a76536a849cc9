using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TuneSculptor.Gateway.Http;

namespace TuneSculptor.Gateway.Uploads;

/// <summary>
/// The multipart/form-data body of <c>POST /upload</c>: a part <c>file</c> (the video) and optionally <c>bitrate</c>.
/// It is read part by part as it arrives, so a video of gigabytes is streamed on, never held; the small parts are
/// checked here, and parts it does not know are skipped.
/// </summary>
public sealed class UploadForm(string boundary, Stream body)
{
    /// <summary>Constant bitrates one may ask for (kbps); without one the mp3 is VBR quality 2.</summary>
    public static readonly int[] Bitrates = [96, 128, 160, 192, 256, 320];

    /// <summary>The form of a multipart/form-data request; null when the request is not one.</summary>
    public static UploadForm? Of(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
        && contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
        && HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is { Length: > 0 } boundary
            ? new UploadForm(boundary, request.Body)
            : null;

    /// <summary>
    /// The parts in the order they were sent. Throws <see cref="InvalidUploadException"/> for a part that is not
    /// valid, and <see cref="IOException"/> or <see cref="InvalidDataException"/> when the body cannot be read.
    /// </summary>
    public async IAsyncEnumerable<UploadPart> ReadPartsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (name == "file" && disposition.IsFileDisposition())
            {
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                yield return new UploadPart.Video(FileNames.Clean(fileName), section.ContentType ?? "application/octet-stream", section.Body);
            }
            else if (name == "bitrate")
            {
                yield return new UploadPart.Bitrate(await ReadBitrateAsync(section.Body, cancellationToken));
            }
        }
    }

    private static async Task<int> ReadBitrateAsync(Stream part, CancellationToken cancellationToken)
    {
        var text = await new StreamReader(part).ReadToEndAsync(cancellationToken);
        return int.TryParse(text.Trim(), out var kbps) && Bitrates.Contains(kbps)
            ? kbps
            : throw new InvalidUploadException($"bitrate must be one of {string.Join(", ", Bitrates)} (kbps).");
    }
}
