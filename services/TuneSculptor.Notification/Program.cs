using TuneSculptor.Messaging;
using TuneSculptor.Notification.Email;
using TuneSculptor.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMongoDatabase("media");
builder.Services.AddNotificationLog();
builder.AddRabbitMQMessaging("rabbitmq");
builder.AddMail("mail");

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

app.Run();
