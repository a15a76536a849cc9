namespace TuneSculptor.Gateway.Uploads;

public static class UploadExtensions
{
    /// <summary>The upload use case and what it needs besides MongoDB and RabbitMQ themselves.</summary>
    public static IHostApplicationBuilder AddUploads(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<UploadOptions>(builder.Configuration.GetSection(UploadOptions.Section));
        builder.Services.AddSingleton<UploadTelemetry>();
        builder.Services.AddSingleton<IVideoQueue, VideoQueue>();
        builder.Services.AddSingleton<VideoSubmission>();
        return builder;
    }
}
