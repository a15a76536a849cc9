namespace TuneSculptor.Notification.Email;

/// <summary>
/// The mail server's health as a probe may ask it every few seconds: connect, read the greeting and the EHLO answer
/// (and negotiate TLS where the settings say so), then QUIT. It never logs in: with a real provider a login per probe
/// is thousands a day, and providers lock accounts for less. Wrong credentials show in the first send instead. A server
/// that does not offer the TLS the settings require is unhealthy: no mail could be sent to it.
/// </summary>
public sealed class SmtpGreetingCheck(SmtpConnector connector)
{
    public async Task<string> CheckAsync(CancellationToken cancellationToken)
    {
        using var client = await connector.ConnectAsync(cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return $"SMTP server {connector.Settings} answers";
    }
}
