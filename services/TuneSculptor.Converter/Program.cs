using TuneSculptor.Contracts;
using TuneSculptor.Converter.Conversion;
using TuneSculptor.Converter.Retention;
using TuneSculptor.Messaging;
using TuneSculptor.Storage;

// An operator's one-off command instead of the service: `TuneSculptor.Converter redrive video [--job <id>]` (README).
if (RedriveCommand.IsInvoked(args))
{
    return await RedriveCommand.RunAsync(args, "rabbitmq", [Queues.Video]);
}

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
    })
    // A conversion that failed for our own hiccup (MongoDB away, no scratch room) is tried again after 1 s, 2 s, 4 s…
    // then every 5 min, for an hour: an outage that long still converts the job; longer, the job fails ("gave up").
    .ConfigureRetry(Queues.Video, retry =>
    {
        retry.FirstDelay = TimeSpan.FromSeconds(1);
        retry.MaxDelay = TimeSpan.FromMinutes(5);
        retry.GiveUpAfter = TimeSpan.FromHours(1);
    });
builder.AddFFmpeg();
builder.AddConversion();
builder.AddRetention();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();

await app.RunAsync();
return 0;
