using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TuneSculptor.Hosting.Runtime;

public static class InfrastructureRuntimeSelection
{
    /// <summary>Configuration key (also an environment variable): <c>auto</c> (default), <c>containers</c> or <c>host-processes</c>.</summary>
    public const string ConfigurationKey = "INFRASTRUCTURE_RUNTIME";

    private static readonly ConditionalWeakTable<IDistributedApplicationBuilder, InfrastructureRuntimeChoice> Choices = new();

    /// <summary>The runtime this application model uses; decided once per builder, and logged at start.</summary>
    public static InfrastructureRuntimeChoice GetInfrastructureRuntime(this IDistributedApplicationBuilder builder) =>
        Choices.GetValue(builder, static b =>
        {
            var choice = Choose(b.ExecutionContext.IsPublishMode, b.Configuration, runtime => ContainerRuntimeProbe.Check(runtime));
            b.Eventing.Subscribe<BeforeStartEvent>((startEvent, _) =>
            {
                startEvent.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TuneSculptor.AppHost")
                    .LogInformation("Infrastructure runs as {Runtime}: {Reason}", choice.Runtime, choice.Reason);
                return Task.CompletedTask;
            });
            return choice;
        });

    public static bool UsesContainers(this IDistributedApplicationBuilder builder) =>
        builder.GetInfrastructureRuntime().Runtime == InfrastructureRuntime.Containers;

    /// <summary>
    /// Publishing always describes containers, the deployable form. Otherwise an explicit setting wins, and without
    /// one a healthy container runtime means containers.
    /// </summary>
    public static InfrastructureRuntimeChoice Choose(
        bool isPublishMode, IConfiguration configuration, Func<string?, ContainerRuntimeStatus> probeContainerRuntime)
    {
        if (isPublishMode)
        {
            return new(InfrastructureRuntime.Containers, "publishing always describes container images");
        }

        var requested = configuration[ConfigurationKey]?.Trim().ToLowerInvariant();
        switch (requested)
        {
            case "containers":
                return new(InfrastructureRuntime.Containers, $"{ConfigurationKey}={requested}");
            case "host-processes" or "hostprocesses":
                return new(InfrastructureRuntime.HostProcesses, $"{ConfigurationKey}={requested}");
            case null or "" or "auto":
                break;
            default:
                throw new DistributedApplicationException(
                    $"{ConfigurationKey} is '{configuration[ConfigurationKey]}'; use auto, containers or host-processes.");
        }

        // Aspire's own setting names the runtime to use (docker or podman); we probe the same one.
        var configuredRuntime = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        var status = probeContainerRuntime(configuredRuntime);
        return status.IsHealthy
            ? new(InfrastructureRuntime.Containers, $"container runtime '{status.Runtime}' is healthy")
            : new(InfrastructureRuntime.HostProcesses, $"no healthy container runtime ({status.Runtime}: {status.Detail})");
    }
}
