using TuneSculptor.Gateway.Auth;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMongoDatabase("media");
builder.AddRabbitMQMessaging("rabbitmq");
builder.AddAuthService();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapIdentityEndpoints();

app.Run();
