using Microsoft.Extensions.Configuration;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.AppHost.Tests.Model;

public sealed class InfrastructureRuntimeTests
{
    private static readonly ContainerRuntimeStatus Healthy = new("docker", true, "the engine answered");
    private static readonly ContainerRuntimeStatus Unhealthy = new("docker", false, "Cannot connect to the Docker daemon");

    [Theory]
    [InlineData(null, true, InfrastructureRuntime.Containers)]
    [InlineData(null, false, InfrastructureRuntime.HostProcesses)]
    [InlineData("auto", true, InfrastructureRuntime.Containers)]
    [InlineData("auto", false, InfrastructureRuntime.HostProcesses)]
    [InlineData("host-processes", true, InfrastructureRuntime.HostProcesses)]
    [InlineData("HostProcesses", true, InfrastructureRuntime.HostProcesses)]
    [InlineData("containers", false, InfrastructureRuntime.Containers)]
    public void Run_mode_follows_the_setting_else_the_container_runtime_health(string? setting, bool runtimeHealthy, InfrastructureRuntime expected)
    {
        var probed = false;
        var choice = InfrastructureRuntimeSelection.Choose(isPublishMode: false, Configuration(setting), _ =>
        {
            probed = true;
            return runtimeHealthy ? Healthy : Unhealthy;
        });

        Assert.Equal(expected, choice.Runtime);
        // An explicit setting is obeyed without asking the engine.
        Assert.Equal(setting is null or "auto", probed);
    }

    [Fact]
    public void Without_a_healthy_runtime_the_reason_names_the_runtime_and_its_error()
    {
        var choice = InfrastructureRuntimeSelection.Choose(false, Configuration(null), _ => Unhealthy);

        Assert.Contains("docker", choice.Reason);
        Assert.Contains("Cannot connect to the Docker daemon", choice.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("host-processes")]
    public void Publishing_always_describes_containers(string? setting)
    {
        var choice = InfrastructureRuntimeSelection.Choose(isPublishMode: true, Configuration(setting), _ => Unhealthy);

        Assert.Equal(InfrastructureRuntime.Containers, choice.Runtime);
    }

    [Fact]
    public void An_unknown_setting_is_refused_with_the_valid_values()
    {
        var error = Assert.Throws<DistributedApplicationException>(
            () => InfrastructureRuntimeSelection.Choose(false, Configuration("vm"), _ => Healthy));

        Assert.Contains("auto, containers or host-processes", error.Message);
    }

    [Fact]
    public void The_probe_asks_the_runtime_configured_for_Aspire()
    {
        string? asked = null;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ASPIRE_CONTAINER_RUNTIME"] = "podman" })
            .Build();

        InfrastructureRuntimeSelection.Choose(false, configuration, runtime =>
        {
            asked = runtime;
            return Unhealthy;
        });

        Assert.Equal("podman", asked);
    }

    private static IConfiguration Configuration(string? runtimeSetting) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [InfrastructureRuntimeSelection.ConfigurationKey] = runtimeSetting })
            .Build();
}
