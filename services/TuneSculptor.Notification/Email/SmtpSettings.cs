using System.Net;
using MailKit.Security;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// Where and how to send mail, read from a connection string:
/// <c>smtp[s]://[user:password@]host[:port][?security=none|starttls|tls|auto]</c>.
/// <c>smtps</c> means TLS from the first byte (port 465); <c>smtp</c> defaults to STARTTLS when the server offers it,
/// and <c>security=starttls</c> insists on it (e.g. Gmail on 587 with an app password). With a user name and password
/// TLS is required, STARTTLS or on connect, and is the default: <c>none</c> and <c>auto</c> (which continues in clear
/// when a server, or someone between, leaves STARTTLS out) are refused, so a password never crosses in clear.
/// </summary>
public sealed record SmtpSettings(string Host, int Port, SecureSocketOptions Security, NetworkCredential? Credentials)
{
    public static SmtpSettings Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps"))
        {
            throw new FormatException("The mail connection string must look like smtp://[user:password@]host[:port][?security=…].");
        }

        NetworkCredential? credentials = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':');
            credentials = separator < 0
                ? new NetworkCredential(Uri.UnescapeDataString(uri.UserInfo), string.Empty)
                : new NetworkCredential(Uri.UnescapeDataString(uri.UserInfo[..separator]), Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]));
        }

        var implicitTls = uri.Scheme == "smtps";
        var security = ReadQuery(uri, "security")?.ToLowerInvariant() switch
        {
            null when implicitTls => SecureSocketOptions.SslOnConnect,
            null when credentials is not null => SecureSocketOptions.StartTls,
            null or "auto" => SecureSocketOptions.StartTlsWhenAvailable,
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            var other => throw new FormatException($"Unknown SMTP security '{other}': use none, starttls, tls or auto."),
        };
        if (credentials is not null && !RequiresTls(security))
        {
            throw new FormatException(
                "The mail connection string has a user name and password, so TLS is required: use security=starttls, security=tls " +
                "or smtps:// (none and auto could send the password in clear).");
        }

        var port = uri.IsDefaultPort ? (implicitTls ? 465 : 25) : uri.Port;
        return new SmtpSettings(uri.Host, port, security, credentials);
    }

    /// <summary>Whether a connection with these options is encrypted or is not made at all.</summary>
    public static bool RequiresTls(SecureSocketOptions security) =>
        security is SecureSocketOptions.StartTls or SecureSocketOptions.SslOnConnect;

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
