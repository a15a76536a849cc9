using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging;

/// <summary>
/// Handles the messages of one type from a queue (registered with
/// <see cref="MessagingBuilder.AddConsumer{TMessage, THandler}"/>), resolved from a DI scope of its own for each
/// delivery. The queue's worker acknowledges, retries and dead-letters around it.
/// </summary>
public interface IMessageHandler<in TMessage> where TMessage : IMessage
{
    /// <summary>
    /// Does the work; the message is acknowledged once this returns, so return only once the work is durably done.
    /// Throw <see cref="PermanentFailureException"/> when retrying cannot help; any other exception has the message tried
    /// again on its queue's <see cref="RetrySchedule"/> until that is over (so it may run more than once: make it safe
    /// to repeat). <paramref name="cancellationToken"/> is cancelled when the service
    /// stops and the queue's <see cref="QueueOptions.ShutdownGrace"/> is over: the message then goes back to the queue.
    /// </summary>
    Task HandleAsync(TMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// The message failed for good (a permanent failure, or its retries are over): record why and tell whoever
    /// should know; <paramref name="reason"/> is written for the user. Once this returns the message is dead-lettered;
    /// while it throws, the message is held and the call repeated (see <see cref="MessagingOptions.FailureRecordingTimeout"/>).
    /// </summary>
    Task OnFailedAsync(TMessage message, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// The message failed transiently and a copy of it now waits, confirmed by the broker, to be tried again at
    /// <see cref="RetryNotice.NextAttemptAt"/>: tell whoever should know that the work is waiting, not stuck (by default,
    /// nobody). Called after the copy is safe and the original acked, so that what it says is true (a copy that could not
    /// be sent is handed back and tried at once instead, without this call) and so that it never holds the message up.
    /// It may run after the next attempt has begun, or even ended (a short delay, a slow store): write conditionally.
    /// It is given a few seconds; what it throws is logged as a warning and changes nothing about the retry.
    /// </summary>
    Task OnRetryScheduledAsync(TMessage message, RetryNotice notice, CancellationToken cancellationToken) => Task.CompletedTask;
}
