using System.Diagnostics;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using TuneSculptor.Contracts;
using TuneSculptor.Contracts.Telemetry;
using TuneSculptor.ServiceDefaults.Telemetry;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Sends one message over SMTP, telling a refused recipient (permanent) from a passing failure; each send is an
/// <c>smtp send</c> span in the job's trace.
/// </summary>
public sealed class MailSender(SmtpConnector connector, ServiceTelemetry telemetry)
{
    public async Task SendAsync(MimeMessage message, JobId jobId, CancellationToken cancellationToken)
    {
        using var activity = telemetry.ActivitySource.StartActivity("smtp send", ActivityKind.Client)?
            .SetTag(JobTelemetry.JobIdTag, jobId.ToString())
            .SetTag("server.address", connector.Settings.Host)
            .SetTag("server.port", connector.Settings.Port);
        try
        {
            // Encrypted when there are credentials, or an exception before they are sent (SmtpConnector).
            using var client = await connector.ConnectAsync(cancellationToken);
            if (connector.Settings.Credentials is { } credentials)
            {
                await client.AuthenticateAsync(credentials, cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted && (int)ex.StatusCode >= 500)
        {
            // 5xx for the recipient: retrying will not make the mailbox exist.
            activity.RecordFailure(ex);
            throw new PermanentFailureException($"The mail server refused the recipient: {ex.Message}", ex);
        }
        catch (Exception ex)
        {
            activity.RecordFailure(ex);
            throw;
        }
    }
}
