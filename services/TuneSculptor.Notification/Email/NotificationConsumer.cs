using Microsoft.Extensions.Options;
using MimeKit;
using RabbitMQ.Client;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Mails the user the outcome of each job from the <c>mp3</c> queue, once: the job records that it was mailed, and a
/// redelivered message for a mailed job sends nothing.
/// </summary>
public sealed partial class NotificationConsumer(
    IConnection connection,
    IOptions<MessagingOptions> messaging,
    MessagingTelemetry messagingTelemetry,
    INotificationLog notifications,
    MailComposer composer,
    MailSender sender,
    ILogger<NotificationConsumer> logger) : QueueConsumer(connection, messaging, messagingTelemetry, logger)
{
    protected override string Queue => Queues.Mp3;

    protected override IReadOnlyCollection<Type> MessageTypes => [typeof(Mp3Ready), typeof(ConversionFailed)];

    protected override async Task HandleAsync(IMessage message, CancellationToken cancellationToken)
    {
        var job = await notifications.FindAsync(message.JobId, cancellationToken)
                  ?? throw new PermanentFailureException("The job no longer exists.");
        if (job.NotifiedAt is not null)
        {
            LogAlreadyMailed(message.JobId);
            return;
        }

        MimeMessage mail = message switch
        {
            Mp3Ready ready => composer.Ready(ready),
            ConversionFailed failed => composer.Failed(failed),
            _ => throw new PermanentFailureException($"Unexpected message {message.GetType().Name}."),
        };
        await sender.SendAsync(mail, message.JobId, cancellationToken);
        // A crash between the two lines above and below mails the user once more, never zero times.
        await notifications.MarkNotifiedAsync(message.JobId, cancellationToken);
        LogMailed(message.JobId, mail.Subject ?? string.Empty);
    }

    /// <summary>Nobody else to tell: the message stays in the dead-letter queue for an operator, and the log says why.</summary>
    protected override Task OnFailedAsync(IMessage message, string reason, CancellationToken cancellationToken)
    {
        LogNotMailed(message.JobId, reason);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: mailed \"{Subject}\"")]
    private partial void LogMailed(JobId jobId, string subject);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was mailed already")]
    private partial void LogAlreadyMailed(JobId jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} could not be mailed: {Reason}")]
    private partial void LogNotMailed(JobId jobId, string reason);
}
