using TuneSculptor.Messaging;
using TuneSculptor.Notification.Email;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRabbitMQMessaging("rabbitmq");
builder.AddSmtp("mail");

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

app.Run();
