using TuneSculptor.Contracts;
using TuneSculptor.Links;
using TuneSculptor.Messaging;
using TuneSculptor.Notification.Email;
using TuneSculptor.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMongoDatabase("media");
builder.Services.AddNotificationLog();
builder.AddRabbitMQMessaging("rabbitmq")
    .AddConsumer<Mp3Ready, MailJobOutcome>(Queues.Mp3)
    .AddConsumer<ConversionFailed, MailJobOutcome>(Queues.Mp3)
    .AddConsumer<VerificationMailRequested, MailAccountEvents>(Queues.AccountMail)
    .AddConsumer<RegistrationAttempted, MailAccountEvents>(Queues.AccountMail);
builder.AddMail("mail");
builder.AddDownloadLinks();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

app.Run();
