namespace TuneSculptor.Converter.Retention;

public static class RetentionExtensions
{
    public static IHostApplicationBuilder AddRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<RetentionOptions>(builder.Configuration.GetSection(RetentionOptions.Section));
        builder.Services.AddHostedService<RetentionSweeper>();
        return builder;
    }
}
