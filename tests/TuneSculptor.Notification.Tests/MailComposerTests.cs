using Microsoft.Extensions.Options;
using MongoDB.Bson;
using TuneSculptor.Contracts;
using TuneSculptor.Links;
using TuneSculptor.Notification.Email;
using TuneSculptor.Storage;

namespace TuneSculptor.Notification.Tests;

public sealed class MailComposerTests
{
    private static readonly JobId Job = JobId.Parse("0123456789abcdef0123abcd");

    private static readonly IOptions<RetentionOptions> Retention = Options.Create(new RetentionOptions { MaxAge = TimeSpan.FromHours(24) });

    private static readonly IOptions<LinkSigningOptions> LinkSigning =
        Options.Create(new LinkSigningOptions { SigningKey = Convert.ToBase64String(new byte[32]) });

    private static readonly LinkSigner Signer = new(LinkSigning, TimeProvider.System);

    private readonly DownloadLinks _links = new(Signer, Retention);

    private readonly VerificationLinks _verificationLinks = new(Signer, LinkSigning);

    private readonly MailComposer _composer;

    public MailComposerTests() =>
        _composer = new(Options.Create(new NotificationOptions { PublicBaseUrl = "http://mp3converter.com/" }), Retention, _links, _verificationLinks);

    [Fact]
    public void The_ready_mail_gives_the_signed_download_link_for_the_owner_in_text_and_html()
    {
        var mp3 = ObjectId.GenerateNewId();
        var mail = _composer.Ready(new Mp3Ready(Job, mp3.ToString(), "user@example.com", "holiday.mp4"), ownerId: "42");

        var link = _links.For("http://mp3converter.com", mp3, "42");
        Assert.StartsWith($"http://mp3converter.com/download?fid={mp3}&expires=", link);
        Assert.Equal("user@example.com", mail.To.ToString());
        Assert.Contains("holiday.mp4", mail.Subject);
        Assert.Contains(link, mail.TextBody);
        Assert.Contains("kept for 24 hours", mail.TextBody);
        Assert.Contains($"href=\"{link.Replace("&", "&amp;", StringComparison.Ordinal)}\"", mail.HtmlBody);
    }

    [Fact]
    public void A_ready_notice_whose_mp3_id_is_not_one_is_a_permanent_failure() =>
        Assert.Throws<PermanentFailureException>(() =>
            _composer.Ready(new Mp3Ready(Job, "../../etc/passwd", "user@example.com", "a.mp4"), ownerId: "42"));

    [Fact]
    public void A_file_name_is_never_markup_in_the_html()
    {
        var mail = _composer.Failed(new ConversionFailed(Job, "user@example.com", "<script>alert(1)</script>.mp4", "No <b>sound</b>."));

        Assert.DoesNotContain("<script>", mail.HtmlBody);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody);
        Assert.Contains("No &lt;b&gt;sound&lt;/b&gt;.", mail.HtmlBody);
        Assert.Contains("<script>alert(1)</script>.mp4", mail.TextBody);
    }

    [Fact]
    public void A_recipient_mail_cannot_go_to_is_a_permanent_failure() =>
        Assert.Throws<PermanentFailureException>(() =>
            _composer.Ready(new Mp3Ready(Job, ObjectId.GenerateNewId().ToString(), "not an address", "a.mp4"), ownerId: "42"));
}
