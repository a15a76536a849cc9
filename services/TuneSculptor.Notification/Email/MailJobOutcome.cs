using MimeKit;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Mails the user the outcome of each job from the <c>mp3</c> queue, once: the job records that it was mailed, and a
/// redelivered message for a mailed job sends nothing, and a job its owner deleted is mailed nothing at all. One handler
/// for both outcomes, as only the mail differs. Until the mail is sent the job says where it stands: waiting to be
/// retried (and why, in the owner's words), or not sent at all (and why).
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
        RecordFailureAsync(message.JobId, reason, cancellationToken);

    public Task OnFailedAsync(ConversionFailed message, string reason, CancellationToken cancellationToken) =>
        RecordFailureAsync(message.JobId, reason, cancellationToken);

    public Task OnRetryScheduledAsync(Mp3Ready message, RetryNotice notice, CancellationToken cancellationToken) =>
        NoteRetryAsync(message.JobId, notice, cancellationToken);

    public Task OnRetryScheduledAsync(ConversionFailed message, RetryNotice notice, CancellationToken cancellationToken) =>
        NoteRetryAsync(message.JobId, notice, cancellationToken);

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

    /// <summary>
    /// The job says the mail could not be sent, and why (its page still offers the download); the message stays in the
    /// dead-letter queue for an operator, and the log says why. Throws while the store is away, which has the worker
    /// hold the message and try again.
    /// </summary>
    private async Task RecordFailureAsync(JobId jobId, string reason, CancellationToken cancellationToken)
    {
        LogNotMailed(jobId, reason);
        await notifications.MarkMailFailedAsync(jobId, reason, cancellationToken);
    }

    /// <summary>The job reads as its mail waiting to be retried, with why in its owner's words; not once the mail is sent.</summary>
    private async Task NoteRetryAsync(JobId jobId, RetryNotice notice, CancellationToken cancellationToken)
    {
        var reason = MailFailureReasons.Describe(notice.Failure);
        if (!await notifications.NoteMailRetryAsync(jobId, PendingRetry.Of(reason, notice.Attempt, notice.NextAttemptAt), cancellationToken))
        {
            LogRetryNotShown(jobId, notice.Attempt);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: mailed \"{Subject}\"")]
    private partial void LogMailed(JobId jobId, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: its owner's address is not verified: not mailed")]
    private partial void LogUnverified(JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was deleted by its owner: not mailed")]
    private partial void LogDeleted(JobId jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} was mailed already")]
    private partial void LogAlreadyMailed(JobId jobId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: the mail's retry after attempt {Attempt} is not shown, as the mail has gone or a later attempt is noted")]
    private partial void LogRetryNotShown(JobId jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} could not be mailed: {Reason}")]
    private partial void LogNotMailed(JobId jobId, string reason);
}
