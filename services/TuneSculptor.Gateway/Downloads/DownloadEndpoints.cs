using System.Security.Claims;
using MongoDB.Bson;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Downloads;

public static class DownloadEndpoints
{
    public static IEndpointRouteBuilder MapDownloadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapResourceGroup("/download").MapGet("", DownloadAsync)
            .WithName("DownloadMp3")
            .WithTags(ApiTags.Downloads)
            .WithSummary("The caller's mp3, with range requests honoured.")
            .Produces<Stream>(StatusCodes.Status200OK, "audio/mpeg")
            .Produces<Stream>(StatusCodes.Status206PartialContent, "audio/mpeg")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Produces(StatusCodes.Status416RangeNotSatisfiable);
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
        if (file is null || file.Metadata.OwnerId != user.GetUserId())
        {
            return Problems.NotFound("mp3");
        }

        return Results.File(
            await media.OpenMp3Async(id, cancellationToken),
            contentType: "audio/mpeg",
            fileDownloadName: FileNames.Mp3For(file.Metadata.OriginalName ?? file.FileName),
            enableRangeProcessing: true);
    }
}
