using MimeKit;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Mails the user the outcome of each job from the <c>mp3</c> queue, once: the job records that it was mailed, and a
/// redelivered message for a mailed job sends nothing, and a job its owner deleted is mailed nothing at all. One handler
/// for both outcomes, as only the mail differs.
/// </summary>
public sealed partial class MailJobOutcome(
    INotificationLog notifications,
    MailComposer composer,
    CappedMailSender sender,
    AuthAddresses addresses,
    ILogger<MailJobOutcome> logger) : IMessageHandler<Mp3Ready>, IMessageHandler<ConversionFailed>
{
    public Task HandleAsync(Mp3Ready message, CancellationToken cancellationToken) =>
        MailOnceAsync(message.JobId, job => composer.Ready(message, job.OwnerId), cancellationToken);

    public Task HandleAsync(ConversionFailed message, CancellationToken cancellationToken) =>
        MailOnceAsync(message.JobId, _ => composer.Failed(message), cancellationToken);

    public Task OnFailedAsync(Mp3Ready message, string reason, CancellationToken cancellationToken) =>
        LogFailure(message.JobId, reason);

    public Task OnFailedAsync(ConversionFailed message, string reason, CancellationToken cancellationToken) =>
        LogFailure(message.JobId, reason);

    /// <param name="compose">Writes the mail; called only when the job is still to be mailed.</param>
    private async Task MailOnceAsync(JobId jobId, Func<Job, MimeMessage> compose, CancellationToken cancellationToken)
    {
        var job = await notifications.FindAsync(jobId, cancellationToken)
                  ?? throw new PermanentFailureException("The job no longer exists.");
        if (job.NotifiedAt is not null)
        {
            LogAlreadyMailed(jobId);
            return;
        }

        if (job.Status == JobStatus.Deleted)
        {
            // Deleted while converting (or just after): its files are gone, and so is any reason to write.
            LogDeleted(jobId);
            return;
        }

        // The gateway takes uploads only from verified addresses; this holds even if a job came some other way.
        if (!await addresses.IsVerifiedAsync(job.OwnerId, cancellationToken))
        {
            LogUnverified(jobId);
            await notifications.MarkNotifiedAsync(jobId, cancellationToken);
            return;
        }

        var mail = compose(job);
        var recipient = mail.To.Mailboxes.Single().Address;
        // A crash between sending and recording mails the user once more, never zero times. Over the recipient's
        // cap the mail is dropped, and recorded as done: retrying it would only be refused again.
        var sent = await sender.SendAsync(mail, recipient, "job", jobId, cancellationToken);
        await notifications.MarkNotifiedAsync(jobId, cancellationToken);
        if (sent)
        {
            LogMailed(jobId, mail.Subject ?? string.Empty);
        }
    }

    /// <summary>Nobody else to tell: the message stays in the dead-letter queue for an operator, and the log says why.</summary>
    private Task LogFailure(JobId jobId, string reason)
    {
        LogNotMailed(jobId, reason);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: mailed \"{Subject}\"")]
    private partial void LogMailed(JobId jobId, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: its owner's address is not verified: not mailed")]
    private partial void LogUnverified(JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was deleted by its owner: not mailed")]
    private partial void LogDeleted(JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was mailed already")]
    private partial void LogAlreadyMailed(JobId jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} could not be mailed: {Reason}")]
    private partial void LogNotMailed(JobId jobId, string reason);
}
