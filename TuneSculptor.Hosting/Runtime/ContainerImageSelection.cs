using Microsoft.Extensions.Configuration;

namespace TuneSculptor.Hosting.Runtime;

public static class ContainerImageSelection
{
    /// <summary>Configuration key (also an environment variable): <c>auto</c> (default), <c>official</c> or <c>local</c>.</summary>
    public const string ConfigurationKey = "INFRASTRUCTURE_IMAGES";

    /// <summary>
    /// An explicit setting wins; without one, the official images when their registry answers, else images built
    /// here. Either way the choice says whether its images can be had, so that no engine waits forever on a pull.
    /// </summary>
    /// <param name="probeRegistry">Null when the official images' registry answers, else why not.</param>
    /// <param name="whyLocalImagesCannotBeBuilt">Null when the local images can be built with this engine, else why not.</param>
    public static ContainerImageChoice Choose(
        IConfiguration configuration, ContainerRuntimeStatus engine,
        Func<string?> probeRegistry, Func<ContainerRuntimeStatus, string?> whyLocalImagesCannotBeBuilt)
    {
        var requested = configuration[ConfigurationKey]?.Trim().ToLowerInvariant();
        switch (requested)
        {
            case "official":
                return new(ContainerImageSource.Official, true, $"{ConfigurationKey}={requested}");
            case "local":
                return Local(engine, whyLocalImagesCannotBeBuilt, $"{ConfigurationKey}={requested}");
            case null or "" or "auto":
                break;
            default:
                throw new DistributedApplicationException(
                    $"{ConfigurationKey} is '{configuration[ConfigurationKey]}'; use auto, official or local.");
        }

        return probeRegistry() is { } registryUnreachable
            ? Local(engine, whyLocalImagesCannotBeBuilt, $"no image registry answered ({registryUnreachable})")
            : new(ContainerImageSource.Official, true, "the official images' registry answered");
    }

    private static ContainerImageChoice Local(
        ContainerRuntimeStatus engine, Func<ContainerRuntimeStatus, string?> whyLocalImagesCannotBeBuilt, string why) =>
        whyLocalImagesCannotBeBuilt(engine) is { } cannotBuild
            ? new(ContainerImageSource.Local, false, $"{why}, and local images cannot be built: {cannotBuild}")
            : new(ContainerImageSource.Local, true, $"{why}: images built here from Debian packages (eng/images)");

    /// <summary>Whether this model's containers run images built here (see <see cref="ContainerImageSource.Local"/>).</summary>
    public static bool UsesLocalImages(this IDistributedApplicationBuilder builder) =>
        builder.GetInfrastructureRuntime().Images?.Source == ContainerImageSource.Local;

    /// <summary>The official image, or its local stand-in when the chosen source is <see cref="ContainerImageSource.Local"/>.</summary>
    internal static IResourceBuilder<T> WithInfrastructureImage<T>(
        this IResourceBuilder<T> builder, string registry, string image, string tag, LocalContainerImage localImage)
        where T : ContainerResource =>
        builder.ApplicationBuilder.UsesLocalImages()
            ? builder.WithLocalImage(localImage)
            : builder.WithImage(image, tag).WithImageRegistry(registry);
}
