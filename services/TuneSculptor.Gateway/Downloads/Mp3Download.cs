using MongoDB.Driver.GridFS;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Downloads;

/// <summary>
/// An mp3 streamed from GridFS, range requests honoured. The file may be deleted (by its owner, or the retention sweep)
/// after it was looked up: gone when it is opened, or its chunks gone before the first bytes are sent, the answer is
/// <paramref name="whenGone"/>, as for a file never there (a 404). Once bytes are on their way the status is sent,
/// and the response is cut short.
/// </summary>
public sealed class Mp3Download(StoredFile<Mp3Metadata> file, MediaStore media, IResult whenGone) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        try
        {
            var content = await media.OpenMp3Async(file.Id, httpContext.RequestAborted);
            await Results.File(
                content,
                contentType: "audio/mpeg",
                fileDownloadName: FileNames.Mp3For(file.Metadata.OriginalName ?? file.FileName),
                enableRangeProcessing: true).ExecuteAsync(httpContext);
        }
        catch (GridFSException) when (!httpContext.Response.HasStarted)
        {
            // GridFSFileNotFoundException on opening, GridFSChunkException on the first read: deleted meanwhile.
            httpContext.Response.Clear();
            await whenGone.ExecuteAsync(httpContext);
        }
    }
}
