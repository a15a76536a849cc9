using System.Globalization;
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
/// encoded, never markup; file names are also shortened, cleaned and quoted (<see cref="MailText"/>).
/// </summary>
public sealed class MailComposer(
    IOptions<NotificationOptions> options, IOptions<RetentionOptions> retention, DownloadLinks links, VerificationLinks verificationLinks)
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
            $"Your mp3 of {MailText.QuotedFileName(ready.FileName)} is ready",
            $"""
            Hello,

            your video {MailText.QuotedFileName(ready.FileName)} is now an mp3. Download it here, on any device, no sign-in needed:

            {link}

            The file and this link are kept for {keptFor}. Anyone with the link can download the file: share it only
            with people you mean to.

            TuneSculptor
            """,
            $"""
            <p>Hello,</p>
            <p>your video {MailText.HtmlFileName(ready.FileName)} is now an mp3. Download it here, on any device, no sign-in needed:</p>
            <p><a href="{Html(link)}">{Html(link)}</a></p>
            <p>The file and this link are kept for {Html(keptFor)}. Anyone with the link can download the file: share it
            only with people you mean to.</p>
            <p>TuneSculptor</p>
            """);
    }

    public MimeMessage Failed(ConversionFailed failed) => Compose(
        failed.OwnerEmail,
        $"We could not convert {MailText.QuotedFileName(failed.FileName)}",
        $"""
        Hello,

        we could not turn your video {MailText.QuotedFileName(failed.FileName)} into an mp3:

        {failed.Reason}

        TuneSculptor
        """,
        $"""
        <p>Hello,</p>
        <p>we could not turn your video {MailText.HtmlFileName(failed.FileName)} into an mp3:</p>
        <p>{Html(failed.Reason)}</p>
        <p>TuneSculptor</p>
        """);

    /// <summary>The mail with the link that verifies a new account's address.</summary>
    public MimeMessage Verification(VerificationMailRequested request)
    {
        var link = verificationLinks.For(options.Value.PublicBaseUrl, request.AccountId, request.Nonce, request.RequestedAt);
        var lifetime = verificationLinks.Lifetime;
        var validFor = lifetime.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{lifetime.TotalHours:0.#} hours")
            : string.Create(CultureInfo.InvariantCulture, $"{lifetime.TotalMinutes:0} minutes");
        return Compose(
            request.Email,
            "Verify your email address for TuneSculptor",
            $"""
            Hello,

            someone, hopefully you, created a TuneSculptor account with this address. Open this link to verify it:

            {link}

            The link works for {validFor}, once. If you did not create the account, ignore this mail: without the
            link nothing is ever sent to this address again.

            TuneSculptor
            """,
            $"""
            <p>Hello,</p>
            <p>someone, hopefully you, created a TuneSculptor account with this address. Open this link to verify it:</p>
            <p><a href="{Html(link)}">{Html(link)}</a></p>
            <p>The link works for {Html(validFor)}, once. If you did not create the account, ignore this mail: without
            the link nothing is ever sent to this address again.</p>
            <p>TuneSculptor</p>
            """);
    }

    /// <summary>To an account's owner: someone tried to register their address. Nothing in it changes anything.</summary>
    public MimeMessage RegistrationAttempt(RegistrationAttempted attempt) => Compose(
        attempt.Email,
        "Someone tried to register with your address",
        """
        Hello,

        someone just tried to create a TuneSculptor account with this address, which has an account already.
        Nothing was changed: your account and password are as they were.

        If it was you, sign in with your password instead. If not, you need not do anything.

        TuneSculptor
        """,
        """
        <p>Hello,</p>
        <p>someone just tried to create a TuneSculptor account with this address, which has an account already.
        Nothing was changed: your account and password are as they were.</p>
        <p>If it was you, sign in with your password instead. If not, you need not do anything.</p>
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
