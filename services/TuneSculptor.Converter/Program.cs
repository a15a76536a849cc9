using TuneSculptor.Contracts;
using TuneSculptor.Converter.Conversion;
using TuneSculptor.Converter.Retention;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMongoDatabase("media");
builder.Services.AddConversionJobs();
builder.AddRabbitMQMessaging("rabbitmq")
    .AddConsumer<VideoUploaded, ConvertVideo>(Queues.Video)
    // Jobs at once, and the grace of jobs in flight at a stop, are the converter's settings (Converter section).
    .ConfigureQueue<ConverterOptions>(Queues.Video, (queue, converter) =>
    {
        queue.Concurrency = converter.Concurrency;
        queue.ShutdownGrace = converter.ShutdownGrace;
    });
builder.AddFFmpeg();
builder.AddConversion();
builder.AddRetention();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

app.Run();
