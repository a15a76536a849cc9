using TuneSculptor.Converter.Conversion;
using TuneSculptor.Converter.Retention;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMongoDatabase("media");
builder.Services.AddConversionJobs();
builder.AddRabbitMQMessaging("rabbitmq");
builder.AddFFmpeg();
builder.AddConversion();
builder.AddRetention();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

app.Run();
