using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TuneSculptor.Storage;

public static class RetentionExtensions
{
    /// <summary>Binds <see cref="RetentionOptions"/> (the <c>Retention</c> section), refusing an age of zero or less at start.</summary>
    public static IHostApplicationBuilder AddFileRetention(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>()
            .Bind(builder.Configuration.GetSection(RetentionOptions.Section))
            .Validate(options => options.MaxAge > TimeSpan.Zero, $"{RetentionOptions.Section}:MaxAge must be positive.")
            .ValidateOnStart();
        return builder;
    }
}
