using MimeKit;
using TuneSculptor.Contracts;

namespace TuneSculptor.Notification.Email;

/// <summary>Sends a mail within its recipient's hourly cap (<see cref="RecipientMailCap"/>): every mail goes through here.</summary>
public sealed class CappedMailSender(RecipientMailCap cap, MailSender sender)
{
    /// <returns>false when the cap held the mail back (it is not sent, and not to be tried again).</returns>
    public async Task<bool> SendAsync(MimeMessage mail, string recipient, string kind, JobId? jobId, CancellationToken cancellationToken)
    {
        if (await cap.TryReserveAsync(recipient, kind, cancellationToken) is not { } reservation)
        {
            return false;
        }

        try
        {
            await sender.SendAsync(mail, jobId, cancellationToken);
            return true;
        }
        catch
        {
            // Not sent: the retry, or nobody, takes the place.
            await cap.ReleaseAsync(reservation, CancellationToken.None);
            throw;
        }
    }
}
