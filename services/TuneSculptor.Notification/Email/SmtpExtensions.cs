namespace TuneSculptor.Notification.Email;

public static class SmtpExtensions
{
    public const string HealthCheckName = "smtp";

    /// <summary>
    /// Reads the SMTP settings from the connection string <paramref name="connectionName"/> (the AppHost's mail
    /// server, or a real provider in production), registers what writes and sends the mails (their handler,
    /// <see cref="MailJobOutcome"/>, consumes the <c>mp3</c> queue: see Program.cs), and adds a health check that
    /// reads the server's greeting without logging in (<see cref="SmtpGreetingCheck"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMail(this IHostApplicationBuilder builder, string connectionName)
    {
        var settings = SmtpSettings.Parse(builder.GetRequiredConnectionString(connectionName));
        builder.Services.AddSingleton(settings);
        builder.Services.AddOptions<NotificationOptions>()
            .Bind(builder.Configuration.GetSection(NotificationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new SmtpConnector(settings, services.GetRequiredService<ILogger<SmtpConnector>>()));
        builder.Services.AddSingleton<MailComposer>();
        builder.Services.AddSingleton<MailSender>();
        builder.Services.AddSingleton<SmtpGreetingCheck>();
        return builder.AddDependencyCheck(
            HealthCheckName,
            (services, cancellationToken) => services.GetRequiredService<SmtpGreetingCheck>().CheckAsync(cancellationToken),
            timeout: TimeSpan.FromSeconds(10));
    }
}
