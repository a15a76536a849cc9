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
/// <c>smtp send</c> span in the job's (or account mail's) trace.
/// </summary>
public sealed class MailSender(SmtpSettings smtp, ServiceTelemetry telemetry)
{
    public async Task SendAsync(MimeMessage message, JobId? jobId, CancellationToken cancellationToken)
    {
        using var activity = telemetry.ActivitySource.StartActivity("smtp send", ActivityKind.Client)?
            .SetTag(JobTelemetry.JobIdTag, jobId?.ToString())
            .SetTag("server.address", smtp.Host)
            .SetTag("server.port", smtp.Port);
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
