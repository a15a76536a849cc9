using System.Net.Security;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Opens SMTP connections as the settings say, for sending and for the health check alike, and holds the transport
/// rule: with credentials the connection is encrypted (STARTTLS or TLS on connect) or it is not used, checked on the
/// connection itself and not only in the settings, before any AUTH.
/// </summary>
/// <param name="certificateValidation">
/// Replaces the platform's validation of the server's certificate when given (a test's own certificate); the
/// default, null, validates it against the system's trusted roots.
/// </param>
public sealed partial class SmtpConnector(SmtpSettings settings, ILogger<SmtpConnector> logger, RemoteCertificateValidationCallback? certificateValidation = null)
{
    public SmtpSettings Settings => settings;

    /// <returns>A connected client, encrypted when the settings require it; the caller disposes it.</returns>
    /// <exception cref="MailTransportSecurityException">TLS is required and the server does not offer it.</exception>
    public async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new SmtpClient();
        try
        {
            if (certificateValidation is not null)
            {
                client.ServerCertificateValidationCallback = certificateValidation;
            }

            try
            {
                await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
            }
            catch (NotSupportedException ex) when (settings.Security == SecureSocketOptions.StartTls)
            {
                // MailKit's own refusal to go on without STARTTLS: said in our words, with the server named.
                throw Refuse($"The mail server {settings} does not offer STARTTLS, which the settings require: nothing was sent.", ex);
            }

            if (settings.Credentials is not null && !client.IsSecure)
            {
                // The settings cannot ask for this (SmtpSettings.Parse); checked once more where a password would leave.
                throw Refuse($"The connection to the mail server {settings} is not encrypted: the credentials are not sent in clear.");
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private MailTransportSecurityException Refuse(string message, Exception? innerException = null)
    {
        LogRefused(message);
        return new MailTransportSecurityException(message, innerException);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason}")]
    private partial void LogRefused(string reason);
}
