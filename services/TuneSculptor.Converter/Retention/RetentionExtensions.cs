using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Retention;

public static class RetentionExtensions
{
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.AddFileRetention();
        builder.Services.Configure<RetentionSweepOptions>(builder.Configuration.GetSection(RetentionOptions.Section));
        builder.Services.AddHostedService<RetentionSweeper>();
        return builder;
    }
}
