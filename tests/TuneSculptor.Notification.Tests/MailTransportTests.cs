using System.Diagnostics.Metrics;
using System.Net.Security;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MimeKit;
using TuneSculptor.Contracts;
using TuneSculptor.Notification.Email;
using TuneSculptor.ServiceDefaults.Telemetry;
using static TuneSculptor.Notification.Tests.ScriptedSmtpServer;

namespace TuneSculptor.Notification.Tests;

/// <summary>
/// Issue 16, point 7: with credentials, mail is sent over TLS or not at all, and the credentials never cross in clear.
/// A scripted server on the wire records every command and whether it arrived encrypted.
/// </summary>
public sealed class MailTransportTests : IDisposable
{
    private const string Password = "app-password-never-in-clear";
    private static readonly JobId Job = JobId.Parse("65a1b2c3d4e5f60718293a4b");

    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ServiceTelemetry _telemetry;
    private readonly FakeLogger<SmtpConnector> _log = new();

    public MailTransportTests() =>
        _telemetry = new ServiceTelemetry(new HostingEnvironment { ApplicationName = "notification-tests" }, _metrics.GetRequiredService<IMeterFactory>());

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_without_starttls_gets_no_credentials_and_no_mail_and_the_send_fails_as_transient()
    {
        // Offers AUTH in clear and no STARTTLS: what a server that strips it, or someone between, looks like.
        await using var server = new ScriptedSmtpServer();
        var connector = Connector($"smtp://sender%40example.com:{Password}@127.0.0.1:{server.Port}");

        var refused = await Assert.ThrowsAsync<MailTransportSecurityException>(() => Sender(connector).SendAsync(Mail(), Job, Cancellation));
        var unhealthy = await Assert.ThrowsAsync<MailTransportSecurityException>(() => new SmtpGreetingCheck(connector).CheckAsync(Cancellation));

        Assert.IsNotType<PermanentFailureException>(refused, exactMatch: false);
        Assert.Contains("does not offer STARTTLS", refused.Message);
        Assert.Contains("does not offer STARTTLS", unhealthy.Message);
        Assert.Equal(["EHLO", "EHLO"], server.Commands.Select(Verb));
        Assert.Empty(server.Messages);
        Assert.Equal(2, _log.Collector.GetSnapshot().Count(record => record.Level == LogLevel.Error && record.Message.Contains("STARTTLS", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Over_starttls_the_credentials_and_the_mail_travel_encrypted()
    {
        using var certificate = TestCertificate.Create();
        await using var server = new ScriptedSmtpServer(tls: new ServerTls(certificate, TlsMode.StartTls));
        var connector = Connector($"smtp://sender%40example.com:{Password}@127.0.0.1:{server.Port}", TestCertificate.TrustOnly(certificate));

        await Sender(connector).SendAsync(Mail(), Job, Cancellation);

        var inClear = server.Received.Where(command => !command.Encrypted).Select(command => Verb(command.Line));
        Assert.Equal(["EHLO", "STARTTLS"], inClear);
        Assert.Equal(["EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"], server.Received.Where(c => c.Encrypted).Select(c => Verb(c.Line)));
        Assert.Single(server.Messages);
    }

    [Fact]
    public async Task With_tls_on_connect_nothing_crosses_in_clear()
    {
        using var certificate = TestCertificate.Create();
        await using var server = new ScriptedSmtpServer(tls: new ServerTls(certificate, TlsMode.OnConnect));
        var connector = Connector($"smtps://sender%40example.com:{Password}@127.0.0.1:{server.Port}", TestCertificate.TrustOnly(certificate));

        await Sender(connector).SendAsync(Mail(), Job, Cancellation);

        Assert.All(server.Received, command => Assert.True(command.Encrypted, command.Line));
        Assert.Contains("AUTH", server.Commands.Select(Verb));
        Assert.Single(server.Messages);
    }

    [Fact]
    public async Task A_server_certificate_that_is_not_trusted_stops_the_send_before_any_credentials()
    {
        using var certificate = TestCertificate.Create();
        await using var server = new ScriptedSmtpServer(tls: new ServerTls(certificate, TlsMode.StartTls));
        // The platform's validation: a self-signed certificate is not trusted.
        var connector = Connector($"smtp://sender%40example.com:{Password}@127.0.0.1:{server.Port}");

        await Assert.ThrowsAsync<SslHandshakeException>(() => Sender(connector).SendAsync(Mail(), Job, Cancellation));

        Assert.Equal(["EHLO", "STARTTLS"], server.Commands.Select(Verb));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task Without_credentials_plain_smtp_is_allowed_as_with_the_development_server()
    {
        await using var server = new ScriptedSmtpServer();
        var connector = Connector($"smtp://127.0.0.1:{server.Port}");

        await Sender(connector).SendAsync(Mail(), Job, Cancellation);

        Assert.Equal(SecureSocketOptions.StartTlsWhenAvailable, connector.Settings.Security);
        Assert.Equal(["EHLO", "MAIL", "RCPT", "DATA", "QUIT"], server.Commands.Select(Verb));
        Assert.Single(server.Messages);
    }

    public void Dispose()
    {
        _telemetry.Dispose();
        _metrics.Dispose();
    }

    private SmtpConnector Connector(string connectionString, RemoteCertificateValidationCallback? certificateValidation = null) =>
        new(SmtpSettings.Parse(connectionString), _log, certificateValidation);

    private MailSender Sender(SmtpConnector connector) => new(connector, _telemetry);

    private static string Verb(string line) => line.Split(' ')[0].ToUpperInvariant();

    private static MimeMessage Mail()
    {
        var message = new MimeMessage { Subject = "Your mp3 is ready", Body = new TextPart("plain") { Text = "Hello." } };
        message.From.Add(MailboxAddress.Parse("noreply@example.com"));
        message.To.Add(MailboxAddress.Parse("user@example.com"));
        return message;
    }
}
