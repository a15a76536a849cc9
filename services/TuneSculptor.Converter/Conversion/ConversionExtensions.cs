namespace TuneSculptor.Converter.Conversion;

public static class ConversionExtensions
{
    /// <summary>
    /// Registers what a conversion uses (settings, encoder, scratch folders, the loopback video source, metrics); its handler,
    /// <see cref="ConvertVideo"/>, consumes the <c>video</c> queue (see Program.cs).
    /// </summary>
    public static IHostApplicationBuilder AddConversion(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ConverterOptions>(builder.Configuration.GetSection(ConverterOptions.Section));
        builder.Services.AddSingleton<Mp3Encoder>();
        builder.Services.AddSingleton<ScratchFolders>();
        builder.Services.AddSingleton<LoopbackVideoSource>();
        builder.Services.AddSingleton<ConverterInstance>();
        builder.Services.AddSingleton<ConversionTelemetry>();
        return builder;
    }
}
