using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TuneSculptor.Hosting.Runtime;

public static class InfrastructureRuntimeSelection
{
    /// <summary>Configuration key (also an environment variable): <c>auto</c> (default), <c>containers</c> or <c>host-processes</c>.</summary>
    public const string ConfigurationKey = "INFRASTRUCTURE_RUNTIME";

    private const string AspireContainerRuntimeKey = "ASPIRE_CONTAINER_RUNTIME";
    private const string LegacyAspireContainerRuntimeKey = "DOTNET_ASPIRE_CONTAINER_RUNTIME";

    private static readonly ConditionalWeakTable<IDistributedApplicationBuilder, InfrastructureRuntimeChoice> Choices = new();

    /// <summary>The runtime this application model uses (and its images); decided once per builder, and logged at start.</summary>
    public static InfrastructureRuntimeChoice GetInfrastructureRuntime(this IDistributedApplicationBuilder builder) =>
        Choices.GetValue(builder, static b =>
        {
            var buildScript = LocalContainerImages.GetBuildScript(b.AppHostDirectory);
            var choice = Choose(
                b.ExecutionContext.IsPublishMode, b.Configuration,
                runtime => ContainerRuntimeProbe.Check(runtime),
                engine => ContainerImageSelection.Choose(
                    b.Configuration, engine,
                    () => ContainerRegistryProbe.Check(ContainerRegistryProbe.DockerHub),
                    e => LocalContainerImages.WhyTheyCannotBeBuilt(e, buildScript)));
            if (choice is { Runtime: InfrastructureRuntime.Containers, Engine: { IsHealthy: true } engine } && b.ExecutionContext.IsRunMode
                && string.IsNullOrEmpty(b.Configuration[AspireContainerRuntimeKey]) && string.IsNullOrEmpty(b.Configuration[LegacyAspireContainerRuntimeKey]))
            {
                // Aspire's orchestrator is told to use the engine that answered (it would otherwise assume docker).
                b.Configuration[AspireContainerRuntimeKey] = engine.Runtime;
            }

            b.Eventing.Subscribe<BeforeStartEvent>((startEvent, _) =>
            {
                var logger = startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TuneSculptor.AppHost");
                logger.LogInformation("Infrastructure runs as {Runtime}: {Reason}", choice.Runtime, choice.Reason);
                if (choice.Images is { } images)
                {
                    logger.LogInformation("Container images: {Source}: {Reason}", images.Source, images.Reason);
                }

                return Task.CompletedTask;
            });
            return choice;
        });

    public static bool UsesContainers(this IDistributedApplicationBuilder builder) =>
        builder.GetInfrastructureRuntime().Runtime == InfrastructureRuntime.Containers;

    /// <summary>
    /// Publishing always describes containers with the official images, the deployable form. Otherwise an explicit
    /// setting wins, and without one containers when a container runtime is healthy and their images can be had
    /// (pulled or built here: see <see cref="ContainerImageSelection"/>), else host processes.
    /// </summary>
    /// <param name="chooseImages">Where the images come from with the engine that answered (or did not).</param>
    public static InfrastructureRuntimeChoice Choose(
        bool isPublishMode, IConfiguration configuration, Func<string?, ContainerRuntimeStatus> probeContainerRuntime,
        Func<ContainerRuntimeStatus, ContainerImageChoice> chooseImages)
    {
        if (isPublishMode)
        {
            return new(InfrastructureRuntime.Containers, "publishing always describes container images",
                new(ContainerImageSource.Official, true, "publishing always describes the official images"));
        }

        var requested = configuration[ConfigurationKey]?.Trim().ToLowerInvariant();
        var explicitContainers = false;
        switch (requested)
        {
            case "containers":
                explicitContainers = true;
                break;
            case "host-processes" or "hostprocesses":
                return new(InfrastructureRuntime.HostProcesses, $"{ConfigurationKey}={requested}");
            case null or "" or "auto":
                break;
            default:
                throw new DistributedApplicationException(
                    $"{ConfigurationKey} is '{configuration[ConfigurationKey]}'; use auto, containers or host-processes.");
        }

        // Aspire's own setting names the runtime to use (docker or podman); we probe the same one.
        var configuredRuntime = configuration[AspireContainerRuntimeKey] ?? configuration[LegacyAspireContainerRuntimeKey];
        var engine = probeContainerRuntime(configuredRuntime);
        if (explicitContainers)
        {
            var images = chooseImages(engine);
            return images.CanBeHad
                ? new(InfrastructureRuntime.Containers, $"{ConfigurationKey}={requested}", images) { Engine = engine }
                : throw new DistributedApplicationException($"{ConfigurationKey}={requested}, but the images cannot be had: {images.Reason}.");
        }

        if (!engine.IsHealthy)
        {
            return new(InfrastructureRuntime.HostProcesses, $"no healthy container runtime ({engine.Runtime}: {engine.Detail})");
        }

        var available = chooseImages(engine);
        return available.CanBeHad
            ? new(InfrastructureRuntime.Containers, $"container runtime '{engine.Runtime}' is healthy", available) { Engine = engine }
            : new(InfrastructureRuntime.HostProcesses,
                $"container runtime '{engine.Runtime}' is healthy, but its images cannot be had ({available.Reason})");
    }
}
