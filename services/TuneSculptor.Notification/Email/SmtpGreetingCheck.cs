using MailKit.Net.Smtp;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// The mail server's health as a probe may ask it every few seconds: connect, read the greeting and the EHLO answer
/// (and negotiate TLS where the settings say so), then QUIT. It never logs in: with a real provider a login per probe
/// is thousands a day, and providers lock accounts for less. Wrong credentials show in the first send instead.
/// </summary>
public sealed class SmtpGreetingCheck(SmtpSettings settings)
{
    public async Task<string> CheckAsync(CancellationToken cancellationToken)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return $"SMTP server {settings} answers";
    }
}
