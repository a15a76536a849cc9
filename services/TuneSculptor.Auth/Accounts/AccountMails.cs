using TuneSculptor.Contracts;
using TuneSculptor.Messaging;

namespace TuneSculptor.Auth.Accounts;

/// <summary>
/// Asks the notification, the system's only mailer, to write to an account's address: auth decides what is sent,
/// the notification writes and sends it (<see cref="Queues.AccountMail"/>).
/// </summary>
public sealed class AccountMails(MessagePublisher publisher, TimeProvider time)
{
    public Task RequestVerificationAsync(User user, string nonce, CancellationToken cancellationToken) =>
        publisher.PublishAsync(Queues.AccountMail, new VerificationMailRequested(user.Id, user.Email, nonce, time.GetUtcNow()), cancellationToken);

    public Task WarnOwnerAsync(User owner, CancellationToken cancellationToken) =>
        publisher.PublishAsync(Queues.AccountMail, new RegistrationAttempted(owner.Id, owner.Email, time.GetUtcNow()), cancellationToken);
}
