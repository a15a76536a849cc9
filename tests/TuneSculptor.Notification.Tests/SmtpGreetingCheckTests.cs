using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging.Abstractions;
using TuneSculptor.Notification.Email;

namespace TuneSculptor.Notification.Tests;

/// <summary>
/// The notification's health check of the mail server, against a server on the wire: it reads the greeting and never
/// logs in, even with credentials in the settings (issue 14: a login per probe locks a real provider's account).
/// </summary>
public sealed class SmtpGreetingCheckTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_that_greets_is_healthy_and_is_never_logged_in_to()
    {
        using var certificate = TestCertificate.Create();
        await using var server = new ScriptedSmtpServer(tls: new ScriptedSmtpServer.ServerTls(certificate, ScriptedSmtpServer.TlsMode.StartTls));
        var check = new SmtpGreetingCheck(new SmtpConnector(
            SmtpSettings.Parse($"smtp://sender%40example.com:app-password@127.0.0.1:{server.Port}?security=starttls"),
            NullLogger<SmtpConnector>.Instance,
            TestCertificate.TrustOnly(certificate)));

        var first = await check.CheckAsync(Cancellation);
        var second = await check.CheckAsync(Cancellation);

        Assert.Contains($"127.0.0.1:{server.Port}", first);
        Assert.DoesNotContain("app-password", first);
        Assert.Equal(first, second);
        var commands = server.Commands.Select(c => c.Split(' ')[0]).ToArray();
        Assert.Equal(["EHLO", "STARTTLS", "EHLO", "QUIT", "EHLO", "STARTTLS", "EHLO", "QUIT"], commands);
    }

    [Fact]
    public async Task A_server_that_refuses_service_fails_the_check()
    {
        await using var server = new ScriptedSmtpServer(greeting: "554 5.3.2 no service here");
        var check = new SmtpGreetingCheck(new SmtpConnector(
            SmtpSettings.Parse($"smtp://127.0.0.1:{server.Port}?security=none"), NullLogger<SmtpConnector>.Instance));

        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => check.CheckAsync(Cancellation));
        Assert.Equal(554, (int)refused.StatusCode);
    }
}
