namespace TuneSculptor.Converter.Conversion;

public static class ConversionExtensions
{
    public static IHostApplicationBuilder AddConversion(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ConverterOptions>(builder.Configuration.GetSection(ConverterOptions.Section));
        builder.Services.AddSingleton<Mp3Encoder>();
        builder.Services.AddSingleton<ScratchFolders>();
        builder.Services.AddSingleton<ConversionTelemetry>();
        builder.Services.AddHostedService<ConversionConsumer>();
        // Work in flight may take ShutdownGrace to finish; the host must wait that long (plus a margin).
        var grace = builder.Configuration.GetSection(ConverterOptions.Section).Get<ConverterOptions>()?.ShutdownGrace
                    ?? new ConverterOptions().ShutdownGrace;
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = grace + TimeSpan.FromSeconds(10));
        return builder;
    }
}
