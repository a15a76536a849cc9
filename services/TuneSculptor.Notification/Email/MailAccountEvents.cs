using TuneSculptor.Contracts;
using TuneSculptor.Messaging;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Mails about accounts from the <c>account-mail</c> queue: the verification link to a new account's address, and the
/// "someone tried to register with your address" warning to an owner, which goes only to a verified address (an
/// unverified one gets nothing but verification).
/// </summary>
public sealed partial class MailAccountEvents(
    MailComposer composer, CappedMailSender sender, AuthAddresses addresses, ILogger<MailAccountEvents> logger)
    : IMessageHandler<VerificationMailRequested>, IMessageHandler<RegistrationAttempted>
{
    public async Task HandleAsync(VerificationMailRequested message, CancellationToken cancellationToken)
    {
        if (await sender.SendAsync(composer.Verification(message), message.Email, "verification", jobId: null, cancellationToken))
        {
            LogMailed(message.AccountId, "verification");
        }
    }

    public async Task HandleAsync(RegistrationAttempted message, CancellationToken cancellationToken)
    {
        if (!await addresses.IsVerifiedAsync(message.AccountId.ToString(), cancellationToken))
        {
            LogUnverified(message.AccountId, "registration warning");
            return;
        }

        if (await sender.SendAsync(composer.RegistrationAttempt(message), message.Email, "registration-warning", jobId: null, cancellationToken))
        {
            LogMailed(message.AccountId, "registration warning");
        }
    }

    public Task OnFailedAsync(VerificationMailRequested message, string reason, CancellationToken cancellationToken) =>
        LogFailure(message.AccountId, reason);

    public Task OnFailedAsync(RegistrationAttempted message, string reason, CancellationToken cancellationToken) =>
        LogFailure(message.AccountId, reason);

    /// <summary>The message stays in the dead-letter queue; the owner can ask for a new verification mail.</summary>
    private Task LogFailure(Guid accountId, string reason)
    {
        LogNotMailed(accountId, reason);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId}: mailed the {Kind} mail")]
    private partial void LogMailed(Guid accountId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {AccountId}: no {Kind} mail, the address is not verified")]
    private partial void LogUnverified(Guid accountId, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {AccountId} could not be mailed: {Reason}")]
    private partial void LogNotMailed(Guid accountId, string reason);
}
