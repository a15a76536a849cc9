using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;
using TuneSculptor.Notification.Email;

namespace TuneSculptor.Notification.Tests;

public sealed class MailComposerTests
{
    private static readonly JobId Job = JobId.Parse("0123456789abcdef0123abcd");

    private readonly MailComposer _composer = new(Options.Create(new NotificationOptions { PublicBaseUrl = "http://mp3converter.com/" }));

    [Fact]
    public void The_ready_mail_links_to_the_download_in_text_and_html()
    {
        var mail = _composer.Ready(new Mp3Ready(Job, "0123456789abcdef01234567", "user@example.com", "holiday.mp4"));

        const string link = "http://mp3converter.com/download?fid=0123456789abcdef01234567";
        Assert.Equal("user@example.com", mail.To.ToString());
        Assert.Contains("holiday.mp4", mail.Subject);
        Assert.Contains(link, mail.TextBody);
        Assert.Contains($"href=\"{link}\"", mail.HtmlBody);
    }

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
            _composer.Ready(new Mp3Ready(Job, "mp3", "not an address", "a.mp4")));
}
