namespace TuneSculptor.Notification.Email;

/// <summary>
/// The mail server could not be reached over TLS when the settings require it (a server, or someone between, that
/// leaves STARTTLS out): nothing was sent, no credentials included. Transient on purpose: a stripped STARTTLS is often
/// a passing network fault or attack, and the message is retried and then dead-lettered for an operator, never lost.
/// </summary>
public sealed class MailTransportSecurityException(string message, Exception? innerException = null) : Exception(message, innerException);
