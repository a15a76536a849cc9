using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TuneSculptor.Hosting.Runtime;

/// <summary>
/// The images built on this machine (eng/images): whether they can be built here, and building them, cached, before
/// the application starts, so every run uses images that match their recipes.
/// </summary>
public static class LocalContainerImages
{
    /// <summary>The Debian base every local image starts from (eng/images/debian-base.sh).</summary>
    public const string BaseImage = "localhost/tunesculptor/debian:bookworm";

    private static readonly ConditionalWeakTable<IDistributedApplicationBuilder, List<LocalContainerImage>> Required = new();

    /// <summary>eng/images/build.sh of the repository the AppHost is in.</summary>
    public static string GetBuildScript(string appHostDirectory) =>
        Path.GetFullPath(Path.Combine(appHostDirectory, "..", "eng", "images", "build.sh"));

    /// <returns>Null when the images can be built (or are there) with this engine, else why not.</returns>
    public static string? WhyTheyCannotBeBuilt(ContainerRuntimeStatus engine, string buildScript)
    {
        if (!engine.IsHealthy)
        {
            return $"container runtime '{engine.Runtime}' is not healthy ({engine.Detail})";
        }

        // build.sh drives podman; docker could run the images but does not build them here.
        if (Path.GetFileName(engine.Runtime) != "podman")
        {
            return $"they are built with podman, and the container runtime is '{engine.Runtime}'";
        }

        if (!File.Exists(buildScript))
        {
            return $"{buildScript} is missing";
        }

        if (IsOnPath("mmdebstrap") || Succeeds(engine.Runtime, ["image", "exists", BaseImage]))
        {
            return null;
        }

        return $"neither mmdebstrap (for the Debian base) nor {BaseImage} is here; eng/bootstrap.sh installs mmdebstrap";
    }

    /// <summary>
    /// Makes <paramref name="builder"/>'s container use <paramref name="image"/>, built (or found current) by
    /// eng/images/build.sh before the application starts.
    /// </summary>
    internal static IResourceBuilder<T> WithLocalImage<T>(this IResourceBuilder<T> builder, LocalContainerImage image)
        where T : ContainerResource
    {
        var applicationBuilder = builder.ApplicationBuilder;
        if (!Required.TryGetValue(applicationBuilder, out var required))
        {
            required = [];
            Required.Add(applicationBuilder, required);
            if (applicationBuilder.ExecutionContext.IsRunMode)
            {
                applicationBuilder.Eventing.Subscribe<BeforeStartEvent>((startEvent, cancellationToken) =>
                    BuildAsync(GetBuildScript(applicationBuilder.AppHostDirectory), required,
                        startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TuneSculptor.AppHost"), cancellationToken));
            }
        }

        required.Add(image);
        return builder.WithImage(image.Image, image.Tag).WithImageRegistry(LocalContainerImage.Registry);
    }

    private static async Task BuildAsync(
        string buildScript, IReadOnlyList<LocalContainerImage> images, ILogger logger, CancellationToken cancellationToken)
    {
        logger.LogInformation("Building the local images that are missing or stale: {Kinds}", string.Join(", ", images.Select(i => i.Kind)));
        var started = Stopwatch.StartNew();
        var startInfo = new ProcessStartInfo(buildScript)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var image in images)
        {
            startInfo.ArgumentList.Add(image.Kind);
        }

        using var process = Process.Start(startInfo) ?? throw new DistributedApplicationException($"{buildScript} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        // Progress (what is built, how long it took) goes to the AppHost's log as it comes.
        string? line;
        var progress = new List<string>();
        while ((line = await process.StandardError.ReadLineAsync(cancellationToken)) is not null)
        {
            logger.LogInformation("{BuildOutput}", line);
            progress.Add(line);
        }

        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"{buildScript} failed with exit code {process.ExitCode}: {string.Join(Environment.NewLine, progress.TakeLast(20))}");
        }

        // The script names what it built; the model names what it runs: they must agree.
        var built = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var expected = images.Select(i => i.Reference).ToArray();
        if (!built.SequenceEqual(expected))
        {
            throw new DistributedApplicationException(
                $"{buildScript} built [{string.Join(", ", built)}] where the model runs [{string.Join(", ", expected)}]: " +
                "the image names in eng/images/*/image and the *LocalImage.cs files must match.");
        }

        logger.LogInformation("Local images ready in {Seconds:0.0} s: {Images}", started.Elapsed.TotalSeconds, string.Join(", ", built));
    }

    private static bool IsOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, program)));

    private static bool Succeeds(string program, string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{program} could not be started.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
