using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Retention;

public static class RetentionExtensions
{
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.AddFileRetention();
        builder.Services.AddOptions<RetentionSweepOptions>()
            .Bind(builder.Configuration.GetSection(RetentionOptions.Section))
            .Validate(options => options.PruneJobsAfter >= TimeSpan.Zero, $"{RetentionOptions.Section}:PruneJobsAfter must not be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<JobPruner>();
        builder.Services.AddHostedService<RetentionSweeper>();
        return builder;
    }
}
