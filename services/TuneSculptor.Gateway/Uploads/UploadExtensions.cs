using Microsoft.Extensions.Options;

namespace TuneSculptor.Gateway.Uploads;

public static class UploadExtensions
{
    /// <summary>The upload use case and what it needs besides MongoDB and RabbitMQ themselves.</summary>
    public static IHostApplicationBuilder AddUploads(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<UploadOptions>(builder.Configuration.GetSection(UploadOptions.Section));
        // After SIGTERM the server accepts no new connection and waits this long for the requests in flight.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<UploadOptions>>((host, uploads) =>
            host.ShutdownTimeout = uploads.Value.ShutdownGrace);
        builder.Services.AddSingleton<UploadTelemetry>();
        builder.Services.AddSingleton<IVideoQueue, VideoQueue>();
        builder.Services.AddSingleton<VideoSubmission>();
        return builder;
    }
}
