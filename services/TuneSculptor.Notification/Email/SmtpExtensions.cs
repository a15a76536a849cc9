using MailKit.Net.Smtp;

namespace TuneSculptor.Notification.Email;

public static class SmtpExtensions
{
    public const string HealthCheckName = "smtp";

    /// <summary>
    /// Reads the SMTP settings from the connection string <paramref name="connectionName"/> (the AppHost's mail
    /// server, or a real provider in production), registers what writes and sends the mails (their handler,
    /// <see cref="MailJobOutcome"/>, consumes the <c>mp3</c> queue: see Program.cs), and adds a readiness check that
    /// connects and, with credentials, logs in.
    /// </summary>
    public static IHostApplicationBuilder AddMail(this IHostApplicationBuilder builder, string connectionName)
    {
        var settings = SmtpSettings.Parse(builder.GetRequiredConnectionString(connectionName));
        builder.Services.AddSingleton(settings);
        builder.Services.AddOptions<NotificationOptions>()
            .Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<MailComposer>();
        builder.Services.AddSingleton<MailSender>();
        return builder.AddDependencyCheck(HealthCheckName, async (_, cancellationToken) =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
            if (settings.Credentials is not null)
            {
                await client.AuthenticateAsync(settings.Credentials, cancellationToken);
            }

            await client.DisconnectAsync(quit: true, cancellationToken);
            return $"SMTP server {settings} answers";
        }, timeout: TimeSpan.FromSeconds(10));
    }
}
