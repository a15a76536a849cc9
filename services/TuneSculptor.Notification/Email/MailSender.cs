using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using TuneSculptor.Messaging;

namespace TuneSculptor.Notification.Email;

/// <summary>Sends one message over SMTP, telling a refused recipient (permanent) from a passing failure.</summary>
public sealed class MailSender(SmtpSettings smtp)
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
            if (smtp.Credentials is not null)
            {
                await client.AuthenticateAsync(smtp.Credentials, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500)
        {
            // 5xx for the recipient: retrying will not make the mailbox exist.
            throw new PermanentFailureException($"The mail server refused the recipient: {ex.Message}", ex);
        }
    }
}
