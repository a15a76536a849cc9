using System.Net;
using MailKit.Security;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Where and how to send mail, read from a connection string:
/// <c>smtp[s]://[user:password@]host[:port][?security=none|starttls|auto]</c>.
/// <c>smtps</c> means TLS from the first byte (port 465); <c>smtp</c> defaults to STARTTLS when the server offers it,
/// and <c>security=starttls</c> insists on it (e.g. Gmail on 587 with an app password).
/// </summary>
public sealed record SmtpSettings(string Host, int Port, SecureSocketOptions Security, NetworkCredential? Credentials)
{
    public static SmtpSettings Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps"))
        {
            throw new FormatException("The mail connection string must look like smtp://[user:password@]host[:port][?security=…].");
        }

        var implicitTls = uri.Scheme == "smtps";
        var security = ReadQuery(uri, "security")?.ToLowerInvariant() switch
        {
            null when implicitTls => SecureSocketOptions.SslOnConnect,
            null or "auto" => SecureSocketOptions.StartTlsWhenAvailable,
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            var other => throw new FormatException($"Unknown SMTP security '{other}': use none, starttls, tls or auto."),
        };
        var port = uri.IsDefaultPort ? (implicitTls ? 465 : 25) : uri.Port;

        NetworkCredential? credentials = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':');
            credentials = separator < 0
                ? new NetworkCredential(Uri.UnescapeDataString(uri.UserInfo), string.Empty)
                : new NetworkCredential(Uri.UnescapeDataString(uri.UserInfo[..separator]), Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]));
        }

        return new SmtpSettings(uri.Host, port, security, credentials);
    }

    private static string? ReadQuery(Uri uri, string key) =>
        uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => string.Equals(pair[0], key, StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair.Length == 2 ? Uri.UnescapeDataString(pair[1]) : string.Empty)
            .FirstOrDefault();

    // Never print the password.
    public override string ToString() => $"{Host}:{Port} ({Security}{(Credentials is null ? "" : $", as {Credentials.UserName}")})";
}
