using TuneSculptor.Contracts;
using TuneSculptor.Links;
using TuneSculptor.Messaging;
using TuneSculptor.Notification.Email;
using TuneSculptor.Storage;

string[] mailQueues = [Queues.Mp3, Queues.AccountMail];

// An operator's one-off command instead of the service: `TuneSculptor.Notification redrive mp3 [--job <id>]` (README).
if (RedriveCommand.IsInvoked(args))
{
    return await RedriveCommand.RunAsync(args, "rabbitmq", mailQueues);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMongoDatabase("media");
builder.Services.AddNotificationLog();
var messaging = builder.AddRabbitMQMessaging("rabbitmq")
    .AddConsumer<Mp3Ready, MailJobOutcome>(Queues.Mp3)
    .AddConsumer<ConversionFailed, MailJobOutcome>(Queues.Mp3)
    .AddConsumer<VerificationMailRequested, MailAccountEvents>(Queues.AccountMail)
    .AddConsumer<RegistrationAttempted, MailAccountEvents>(Queues.AccountMail);
// A mail server that is away or answers "try again later" (Gmail's 421, a relay restarting) is tried again after
// 5 s, 10 s, 20 s… then every 30 min, for 6 hours, as mail servers themselves retry: a mail is lost to no outage shorter.
foreach (var queue in mailQueues)
{
    messaging.ConfigureRetry(queue, retry =>
    {
        retry.FirstDelay = TimeSpan.FromSeconds(5);
        retry.MaxDelay = TimeSpan.FromMinutes(30);
        retry.GiveUpAfter = TimeSpan.FromHours(6);
    });
}

builder.AddMail("mail");
builder.AddDownloadLinks();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

await app.RunAsync();
return 0;
