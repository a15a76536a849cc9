namespace TuneSculptor.Contracts;

/// <summary>
/// Thrown by a message handler, or by anything it calls, when retrying cannot help (bad input); the message then fails
/// for good at once. <see cref="Exception.Message"/> is for the user.
/// </summary>
public sealed class PermanentFailureException(string reason, Exception? innerException = null) : Exception(reason, innerException);
