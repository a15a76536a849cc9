using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;
using TuneSculptor.Contracts;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Writes the mails, in plain text and HTML. File names and reasons come from users and files: in HTML they are
/// encoded, never markup.
/// </summary>
public sealed class MailComposer(IOptions<NotificationOptions> options)
{
    public MimeMessage Ready(Mp3Ready ready)
    {
        var link = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/download?fid={Uri.EscapeDataString(ready.Mp3FileId)}";
        return Compose(
            ready.OwnerEmail,
            $"Your mp3 of “{ready.FileName}” is ready",
            $"""
            Hello,

            your video “{ready.FileName}” is now an mp3. Download it (signed in as {ready.OwnerEmail}):

            {link}

            The file is kept for 24 hours.

            TuneSculptor
            """,
            $"""
            <p>Hello,</p>
            <p>your video “{Html(ready.FileName)}” is now an mp3. Download it (signed in as {Html(ready.OwnerEmail)}):</p>
            <p><a href="{Html(link)}">{Html(link)}</a></p>
            <p>The file is kept for 24 hours.</p>
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
