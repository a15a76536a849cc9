using System.Security.Claims;
using MongoDB.Bson;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Downloads;

public static class DownloadEndpoints
{
    public static IEndpointRouteBuilder MapDownloadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/download", DownloadAsync);
        return app;
    }

    /// <summary>
    /// <c>GET /download?fid=</c>: the caller's mp3, streamed from GridFS, with range requests honoured. Someone
    /// else's file is answered exactly like a missing one.
    /// </summary>
    private static async Task<IResult> DownloadAsync(string? fid, ClaimsPrincipal user, MediaStore media, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(fid, out var id))
        {
            return Problems.BadRequest("fid must be the 24 hexadecimal digits of an mp3's id.");
        }

        var file = await media.FindMp3Async(id, cancellationToken);
        if (file is null || file.OwnerId != user.FindFirstValue("sub"))
        {
            return Problems.NotFound("mp3");
        }

        var originalName = file.Metadata.GetValue("original_name", file.FileName).ToString()!;
        return Results.File(
            await media.OpenMp3Async(id, cancellationToken),
            contentType: "audio/mpeg",
            fileDownloadName: FileNames.Mp3For(originalName),
            enableRangeProcessing: true);
    }
}
