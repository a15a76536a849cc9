using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using TuneSculptor.Storage;

namespace TuneSculptor.Links.Tests;

/// <summary>A download link names the mp3, expires with the file's retention, and opens that file of that owner only.</summary>
public sealed class DownloadLinksTests
{
    private static readonly DateTimeOffset Made = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly ObjectId Mp3 = ObjectId.GenerateNewId(Made.UtcDateTime);

    private readonly FakeTimeProvider _time = new(Made);
    private readonly DownloadLinks _links;

    public DownloadLinksTests() =>
        _links = new DownloadLinks(
            new LinkSigner(Options.Create(new LinkSigningOptions { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }), _time),
            Options.Create(new RetentionOptions { MaxAge = TimeSpan.FromHours(24) }));

    [Fact]
    public void The_link_has_the_originals_shape_and_expires_with_the_file()
    {
        var link = new Uri(_links.For("http://mp3converter.com/", Mp3, "42"));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);

        Assert.Equal("http://mp3converter.com/download", link.GetLeftPart(UriPartial.Path));
        Assert.Equal(Mp3.ToString(), query["fid"]);
        Assert.Equal(Made.AddHours(24).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), query["expires"]);
        Assert.True(LinkSignature.TryParse(query["expires"], query["sig"], out var signature));
        Assert.Equal(LinkVerdict.Valid, _links.Check(Mp3, "42", signature));
        Assert.Equal(LinkVerdict.Invalid, _links.Check(Mp3, "43", signature));
        Assert.Equal(LinkVerdict.Invalid, _links.Check(ObjectId.GenerateNewId(Made.UtcDateTime), "42", signature));

        _time.SetUtcNow(Made.AddHours(24));
        Assert.Equal(LinkVerdict.Expired, _links.Check(Mp3, "42", signature));
    }

    [Fact]
    public void The_same_file_gets_the_same_link_from_every_service()
    {
        // The mail and the job list show one link: nothing per link is stored, so both must derive the same one.
        Assert.Equal(_links.For("http://gw", Mp3, "42"), _links.For("http://gw", Mp3, "42"));
    }
}
