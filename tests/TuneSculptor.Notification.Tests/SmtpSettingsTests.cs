using MailKit.Security;
using TuneSculptor.Notification.Email;

namespace TuneSculptor.Notification.Tests;

public sealed class SmtpSettingsTests
{
    [Fact]
    public void The_development_server_is_plain_smtp_with_opportunistic_tls()
    {
        var settings = SmtpSettings.Parse("smtp://localhost:2525");

        Assert.Equal(("localhost", 2525, SecureSocketOptions.StartTlsWhenAvailable), (settings.Host, settings.Port, settings.Security));
        Assert.Null(settings.Credentials);
    }

    [Fact]
    public void A_gmail_app_password_works_by_connection_string_alone()
    {
        var settings = SmtpSettings.Parse("smtp://me%40gmail.com:abcd%20efgh%20ijkl%20mnop@smtp.gmail.com:587?security=starttls");

        Assert.Equal(("smtp.gmail.com", 587, SecureSocketOptions.StartTls), (settings.Host, settings.Port, settings.Security));
        Assert.Equal("me@gmail.com", settings.Credentials!.UserName);
        Assert.Equal("abcd efgh ijkl mnop", settings.Credentials.Password);
        Assert.DoesNotContain("abcd", settings.ToString());
    }

    [Theory]
    [InlineData("smtps://mail.example.com", 465, SecureSocketOptions.SslOnConnect)]
    [InlineData("smtp://mail.example.com", 25, SecureSocketOptions.StartTlsWhenAvailable)]
    [InlineData("smtp://mail.example.com:2525?security=none", 2525, SecureSocketOptions.None)]
    [InlineData("smtp://mail.example.com:465?security=tls", 465, SecureSocketOptions.SslOnConnect)]
    public void Scheme_port_and_security_have_sensible_defaults(string connectionString, int port, SecureSocketOptions security)
    {
        var settings = SmtpSettings.Parse(connectionString);

        Assert.Equal(port, settings.Port);
        Assert.Equal(security, settings.Security);
    }

    [Fact]
    public void With_credentials_tls_is_required_and_the_default()
    {
        Assert.Equal(SecureSocketOptions.StartTls, SmtpSettings.Parse("smtp://me:secret@mail.example.com:587").Security);
        Assert.Equal(SecureSocketOptions.SslOnConnect, SmtpSettings.Parse("smtps://me:secret@mail.example.com").Security);
        Assert.Equal(SecureSocketOptions.SslOnConnect, SmtpSettings.Parse("smtp://me:secret@mail.example.com:465?security=tls").Security);
    }

    [Theory]
    [InlineData("smtp://me:secret@mail.example.com:587?security=none")]
    [InlineData("smtp://me:secret@mail.example.com:587?security=auto")]
    [InlineData("smtp://me@mail.example.com:587?security=auto")]
    public void Credentials_with_a_security_that_could_fall_back_to_clear_are_refused(string connectionString)
    {
        var refused = Assert.Throws<FormatException>(() => SmtpSettings.Parse(connectionString));

        Assert.Contains("TLS is required", refused.Message);
        Assert.DoesNotContain("secret", refused.Message);
    }

    [Theory]
    [InlineData("mail.example.com:25")]
    [InlineData("http://mail.example.com")]
    [InlineData("smtp://mail.example.com?security=maybe")]
    public void Anything_else_is_refused_with_the_expected_form(string connectionString) =>
        Assert.Throws<FormatException>(() => SmtpSettings.Parse(connectionString));
}
