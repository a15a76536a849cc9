namespace TuneSculptor.Contracts;

/// <summary>
/// A new account's address is to be verified: the notification mails <see cref="Email"/> a link, signed by it, that
/// verifies the account when clicked. <see cref="Nonce"/> names this mail: auth accepts only the latest one's, so a link
/// from an earlier mail, or from before the address was verified, does nothing. The link expires a fixed time after
/// <see cref="RequestedAt"/>, however long the message waited.
/// </summary>
[MessageType("account.verification-mail-requested.v1")]
public sealed record VerificationMailRequested(
    Guid AccountId,
    string Email,
    string Nonce,
    DateTimeOffset RequestedAt) : IMessage
{
    string IMessage.CorrelationId => AccountId.ToString();

    string IMessage.Subject => $"Account {AccountId}";
}

/// <summary>
/// Someone tried to register <see cref="Email"/>, which has an account already: its owner is told, with nothing to
/// click that changes anything. The registration itself was answered exactly like a new one.
/// </summary>
[MessageType("account.registration-attempted.v1")]
public sealed record RegistrationAttempted(
    Guid AccountId,
    string Email,
    DateTimeOffset AttemptedAt) : IMessage
{
    string IMessage.CorrelationId => AccountId.ToString();

    string IMessage.Subject => $"Account {AccountId}";
}
