using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;
using MongoDB.Bson;
using TuneSculptor.Contracts;
using TuneSculptor.Links;
using TuneSculptor.Storage;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Writes the mails, in plain text and HTML. File names and reasons come from users and files: in HTML they are
/// encoded, never markup.
/// </summary>
public sealed class MailComposer(IOptions<NotificationOptions> options, IOptions<RetentionOptions> retention, DownloadLinks links)
{
    /// <summary>The mail with the link that downloads the mp3 as it is, signed in or not, until the file expires.</summary>
    /// <param name="ownerId">Whose mp3 it is: the link is bound to them.</param>
    public MimeMessage Ready(Mp3Ready ready, string ownerId)
    {
        if (!ObjectId.TryParse(ready.Mp3FileId, out var mp3FileId))
        {
            throw new PermanentFailureException($"'{ready.Mp3FileId}' is not an mp3's id.");
        }

        var link = links.For(options.Value.PublicBaseUrl, mp3FileId, ownerId);
        var keptFor = retention.Value.DescribeMaxAge();
        return Compose(
            ready.OwnerEmail,
            $"Your mp3 of “{ready.FileName}” is ready",
            $"""
            Hello,

            your video “{ready.FileName}” is now an mp3. Download it here, on any device, no sign-in needed:

            {link}

            The file and this link are kept for {keptFor}. Anyone with the link can download the file: share it only
            with people you mean to.

            TuneSculptor
            """,
            $"""
            <p>Hello,</p>
            <p>your video “{Html(ready.FileName)}” is now an mp3. Download it here, on any device, no sign-in needed:</p>
            <p><a href="{Html(link)}">{Html(link)}</a></p>
            <p>The file and this link are kept for {Html(keptFor)}. Anyone with the link can download the file: share it
            only with people you mean to.</p>
            <p>TuneSculptor</p>
            """);
    }

    public MimeMessage Failed(ConversionFailed failed) => Compose(
        failed.OwnerEmail,
        $"We could not convert “{failed.FileName}”",
        $"""
        Hello,

        we could not turn your video “{failed.FileName}” into an mp3:

        {failed.Reason}

        TuneSculptor
        """,
        $"""
        <p>Hello,</p>
        <p>we could not turn your video “{Html(failed.FileName)}” into an mp3:</p>
        <p>{Html(failed.Reason)}</p>
        <p>TuneSculptor</p>
        """);

    private MimeMessage Compose(string to, string subject, string text, string html)
    {
        var message = new MimeMessage { Subject = subject };
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        if (!MailboxAddress.TryParse(to, out var recipient))
        {
            throw new PermanentFailureException($"'{to}' is not an address mail can be sent to.");
        }

        message.To.Add(recipient);
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
