using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using TuneSculptor.Gateway.Http;

namespace TuneSculptor.Gateway.Uploads;

/// <summary>
/// The multipart/form-data body of <c>POST /upload</c>: a part <c>file</c> (the video) and optionally <c>bitrate</c>.
/// It is read part by part as it arrives, so a video of gigabytes is streamed on, never held; every other part is
/// refused, and the small parts are read only up to <see cref="MaxFieldBytes"/>, so no part is ever held whole.
/// </summary>
public sealed class UploadForm(string boundary, Stream body)
{
    /// <summary>Constant bitrates one may ask for (kbps); without one the mp3 is VBR quality 2.</summary>
    public static readonly int[] Bitrates = [96, 128, 160, 192, 256, 320];

    /// <summary>The most a part other than the file may hold: "320" with room for spaces and a line end.</summary>
    public const int MaxFieldBytes = 16;

    /// <summary>
    /// Headers per part, and their bytes together (MultipartReader's defaults, stated: the preamble and the epilogue
    /// are held to <see cref="MaxHeaderBytesPerPart"/> too). A form past them is malformed: a 400.
    /// </summary>
    public const int MaxHeadersPerPart = MultipartReader.DefaultHeadersCountLimit;

    /// <inheritdoc cref="MaxHeadersPerPart"/>
    public const int MaxHeaderBytesPerPart = MultipartReader.DefaultHeadersLengthLimit;

    /// <summary>The form of a multipart/form-data request; null when the request is not one.</summary>
    public static UploadForm? Of(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
        && contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
        && HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is { Length: > 0 and <= MaxBoundaryLength } boundary
            ? new UploadForm(boundary, request.Body)
            : null;

    /// <summary>RFC 2046 §5.1.1: a boundary is 1 to 70 characters.</summary>
    private const int MaxBoundaryLength = 70;

    /// <summary>
    /// The parts in the order they were sent. Throws <see cref="InvalidUploadException"/> for a part that is not
    /// valid or not known, and <see cref="IOException"/> or <see cref="InvalidDataException"/> when the body cannot
    /// be read (truncated, no boundary, too many headers).
    /// </summary>
    public async IAsyncEnumerable<UploadPart> ReadPartsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, body)
        {
            HeadersCountLimit = MaxHeadersPerPart,
            HeadersLengthLimit = MaxHeaderBytesPerPart,
        };
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
            {
                throw new InvalidUploadException("Every part needs a header 'Content-Disposition: form-data' with a name.");
            }

            switch (name)
            {
                case "file" when disposition.IsFileDisposition():
                    var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    yield return new UploadPart.Video(FileNames.Clean(fileName), section.ContentType ?? "application/octet-stream", section.Body);
                    break;
                case "file":
                    throw new InvalidUploadException("The part 'file' must be a file: give it a filename in its Content-Disposition.");
                case "bitrate":
                    yield return new UploadPart.Bitrate(ParseBitrate(await ReadFieldAsync(name, section.Body, cancellationToken)));
                    break;
                default:
                    throw new InvalidUploadException($"Unknown part '{Shorten(name)}': send only 'file' and 'bitrate'.");
            }
        }
    }

    /// <summary>
    /// A small part's text, read up to one byte past <see cref="MaxFieldBytes"/>: a part of gigabytes costs no more
    /// than a few bytes before it is refused (the rest of the body is never read).
    /// </summary>
    private static async Task<string> ReadFieldAsync(string name, Stream part, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await part.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return length <= MaxFieldBytes
            ? Encoding.UTF8.GetString(buffer, 0, length)
            : throw new InvalidUploadException($"The part '{name}' is longer than {MaxFieldBytes} bytes.");
    }

    private static int ParseBitrate(string text) =>
        int.TryParse(text.Trim(), out var kbps) && Bitrates.Contains(kbps)
            ? kbps
            : throw new InvalidUploadException($"bitrate must be one of {string.Join(", ", Bitrates)} (kbps).");

    /// <summary>A part's name as the error repeats it: a header may be 16 KiB long.</summary>
    private static string Shorten(string name) => name.Length <= 40 ? name : $"{name[..40]}…";
}
