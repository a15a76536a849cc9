using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

namespace TuneSculptor.Notification.Email;

/// <summary>A mail's passing failure in a few words for the job's owner ("waiting to retry: mail server unreachable").</summary>
public static class MailFailureReasons
{
    public const string Unreachable = "mail server unreachable";

    /// <summary>A 4xx answer: the server is there and says "try again later" (Gmail's 421, greylisting, a full queue).</summary>
    public const string Deferred = "mail server asked us to try later";

    public static string Describe(Exception failure) => failure switch
    {
        _ when StorageFailures.IsStorageFailure(failure) => StorageFailures.Unavailable,
        SmtpCommandException { StatusCode: var status } when (int)status is >= 400 and < 500 => Deferred,
        SocketException or SmtpProtocolException or ServiceNotConnectedException or IOException or TimeoutException
            or MailTransportSecurityException => Unreachable,
        _ => RetryNotice.TemporaryProblem,
    };
}
