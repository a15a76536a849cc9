using System.Globalization;
using System.Net;

namespace TuneSculptor.System.Tests.Links;

/// <summary>
/// A mailed link stops working when its file's retention is up, not later: on a system of its own that keeps files
/// for <see cref="LinkSystemFixture.MaxAge"/>, so the wait is short. (Links that work: <see cref="DownloadLinkTests"/>,
/// on the shared system, where no link can expire under a slow test.)
/// </summary>
public sealed class ExpiredLinkTests(LinkSystemFixture fixture) : IClassFixture<LinkSystemFixture>, IDisposable
{
    private readonly MailedLinks _links = new(fixture.System);

    [Fact]
    public async Task A_link_is_refused_as_expired_once_the_file_is_past_its_retention()
    {
        var converted = DateTimeOffset.UtcNow;
        var (_, _, _, link) = await _links.ConvertAndMailAsync();
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(MailedLinks.Query(link)["expires"]!, CultureInfo.InvariantCulture));
        // The mp3 was made after the upload started, and its link lasts the retention age from then (to the second).
        Assert.InRange(expires - converted, LinkSystemFixture.MaxAge - TimeSpan.FromSeconds(1), LinkSystemFixture.MaxAge + MailedLinks.JobTimeout);

        var wait = expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.5);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, TestContext.Current.CancellationToken);
        }

        await _links.AssertRefusedAsync(link, HttpStatusCode.Gone, "This download link has expired.");
    }

    public void Dispose() => _links.Dispose();
}
