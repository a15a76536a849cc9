using System.Security.Claims;
using MongoDB.Bson;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Links;
using TuneSculptor.Storage;

namespace TuneSculptor.Gateway.Downloads;

public static class DownloadEndpoints
{
    public static IEndpointRouteBuilder MapDownloadEndpoints(this IEndpointRouteBuilder app)
    {
        // Open to all: a signed link is its own authority, and without one the owner's token is asked for below.
        app.MapResourceGroup(DownloadLinks.Path).MapGet("", DownloadAsync)
            .AllowAnonymous()
            .WithMetadata(new BearerOrSignedLink())
            .WithName("DownloadMp3")
            .WithTags(ApiTags.Downloads)
            .WithSummary("An mp3: through a signed link (fid, expires, sig; no token), or the caller's own with the Bearer token; range requests honoured.")
            .Produces<Stream>(StatusCodes.Status200OK, "audio/mpeg")
            .Produces<Stream>(StatusCodes.Status206PartialContent, "audio/mpeg")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            // A dead link: not ours (403), expired or its job deleted (410), or its file gone (404); a page for text/html.
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .Produces(StatusCodes.Status416RangeNotSatisfiable);
        return app;
    }

    /// <summary>
    /// <c>GET /download?fid=&amp;expires=&amp;sig=</c>: the mp3 a signed link opens, to anyone holding it (see
    /// <see cref="DownloadLinks"/>). <c>GET /download?fid=</c> with the owner's Bearer token: their mp3, and someone
    /// else's file is answered exactly like a missing one. Either way streamed from GridFS, with range requests
    /// honoured, named after the upload.
    /// </summary>
    private static async Task<IResult> DownloadAsync(
        string? fid, string? expires, string? sig, ClaimsPrincipal user, MediaStore media, IJobQueries jobs, DownloadLinks links,
        CancellationToken cancellationToken)
    {
        if (expires is not null || sig is not null)
        {
            return await DownloadByLinkAsync(fid, expires, sig, media, jobs, links, cancellationToken);
        }

        if (user.Identity?.IsAuthenticated is not true)
        {
            // As every other route answers without a token: 401 with the Bearer challenge.
            return Results.Challenge();
        }

        if (!ObjectId.TryParse(fid, out var id))
        {
            return Problems.BadRequest("fid must be the 24 hexadecimal digits of an mp3's id.");
        }

        var file = await media.FindMp3Async(id, cancellationToken);
        if (file is null || file.Metadata.OwnerId != user.GetUserId())
        {
            return Problems.NotFound("mp3");
        }

        return new Mp3Download(file, media, whenGone: Problems.NotFound("mp3"));
    }

    /// <summary>
    /// Checks a link in this order: its parts well-formed; the signature right for the mp3's owner (read from the job
    /// that made it, so a link for one file opens no other and a forged one learns nothing); not expired; the job
    /// neither deleted nor expired; the file there and still the owner's.
    /// </summary>
    private static async Task<IResult> DownloadByLinkAsync(
        string? fid, string? expires, string? sig, MediaStore media, IJobQueries jobs, DownloadLinks links, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(fid, out var id) || !LinkSignature.TryParse(expires, sig, out var signature))
        {
            return DeadLink.Invalid;
        }

        // No job made this file: nobody it could be bound to, so no link of ours can name it.
        if (await jobs.FindByMp3Async(id, cancellationToken) is not { } job)
        {
            return DeadLink.Invalid;
        }

        switch (links.Check(id, job.OwnerId, signature))
        {
            case LinkVerdict.Invalid:
                return DeadLink.Invalid;
            case LinkVerdict.Expired:
                return DeadLink.Expired;
        }

        if (job.Status is JobStatus.Deleted)
        {
            return DeadLink.Deleted;
        }

        if (job.Status is JobStatus.Expired)
        {
            return DeadLink.Expired;
        }

        var file = await media.FindMp3Async(id, cancellationToken);
        if (job.Status is not JobStatus.Done || file is null || file.Metadata.OwnerId != job.OwnerId)
        {
            return DeadLink.Missing;
        }

        return new Mp3Download(file, media, whenGone: DeadLink.Missing);
    }
}
