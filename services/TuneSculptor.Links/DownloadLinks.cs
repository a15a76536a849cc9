using System.Globalization;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using TuneSculptor.Storage;

namespace TuneSculptor.Links;

/// <summary>
/// The links that download an mp3 without signing in: <c>{base}/download?fid=&lt;mp3 id&gt;&amp;expires=&lt;unix s&gt;&amp;sig=&lt;mac&gt;</c>,
/// signed for <see cref="LinkPurposes.Download"/> over the mp3's id, its owner and its expiry: the end of the file's
/// retention. The notification mails them; the gateway hands them to the page and checks them.
/// </summary>
public sealed class DownloadLinks(LinkSigner signer, IOptions<RetentionOptions> retention)
{
    public const string Path = "/download";

    /// <summary>The link to <paramref name="mp3FileId"/> of <paramref name="ownerId"/>, under <paramref name="baseUrl"/>.</summary>
    public string For(string baseUrl, ObjectId mp3FileId, string ownerId)
    {
        var fid = mp3FileId.ToString();
        var signature = signer.Sign(LinkPurposes.Download, fid, ownerId, ExpiryOf(mp3FileId));
        return string.Create(CultureInfo.InvariantCulture,
            $"{baseUrl.TrimEnd('/')}{Path}?fid={fid}&expires={signature.Expires}&sig={signature.Sig}");
    }

    /// <summary>When links to the mp3 stop working: when it is deleted for its age.</summary>
    public DateTimeOffset ExpiryOf(ObjectId mp3FileId) => retention.Value.KeptUntil(mp3FileId);

    /// <summary>Whether <paramref name="signature"/> opens <paramref name="mp3FileId"/>, owned by <paramref name="ownerId"/>.</summary>
    public LinkVerdict Check(ObjectId mp3FileId, string ownerId, LinkSignature signature) =>
        signer.Check(LinkPurposes.Download, mp3FileId.ToString(), ownerId, signature);
}
