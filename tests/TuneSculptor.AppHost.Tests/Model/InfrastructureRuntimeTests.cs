using Microsoft.Extensions.Configuration;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.AppHost.Tests.Model;

/// <summary>The choice of runtime and images, with the probes replaced on purpose: each case is a machine kind.</summary>
public sealed class InfrastructureRuntimeTests
{
    private static readonly ContainerRuntimeStatus Healthy = new("docker", true, "the engine answered");
    private static readonly ContainerRuntimeStatus Unhealthy = new("docker", false, "Cannot connect to the Docker daemon");
    private static readonly ContainerImageChoice Pullable = new(ContainerImageSource.Official, true, "the official images' registry answered");
    private static readonly ContainerImageChoice Unobtainable = new(ContainerImageSource.Local, false, "no image registry answered, and local images cannot be built: mmdebstrap is missing");

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
        }, _ => Pullable);

        Assert.Equal(expected, choice.Runtime);
        // host-processes is obeyed without asking the engine; containers asks it which images it can have.
        Assert.Equal(setting is not ("host-processes" or "HostProcesses"), probed);
    }

    [Fact]
    public void Without_a_healthy_runtime_the_reason_names_the_runtime_and_its_error()
    {
        var choice = InfrastructureRuntimeSelection.Choose(false, Configuration(null), _ => Unhealthy, _ => Pullable);

        Assert.Contains("docker", choice.Reason);
        Assert.Contains("Cannot connect to the Docker daemon", choice.Reason);
    }

    [Fact]
    public void Auto_does_not_pick_containers_whose_images_cannot_be_had()
    {
        var choice = InfrastructureRuntimeSelection.Choose(false, Configuration(null), _ => Healthy, _ => Unobtainable);

        Assert.Equal(InfrastructureRuntime.HostProcesses, choice.Runtime);
        Assert.Contains("docker", choice.Reason);
        Assert.Contains("mmdebstrap is missing", choice.Reason);
    }

    [Fact]
    public void Containers_asked_for_whose_images_cannot_be_had_is_an_error_that_says_why()
    {
        var error = Assert.Throws<DistributedApplicationException>(
            () => InfrastructureRuntimeSelection.Choose(false, Configuration("containers"), _ => Healthy, _ => Unobtainable));

        Assert.Contains("mmdebstrap is missing", error.Message);
    }

    [Fact]
    public void Containers_carry_the_image_choice_made_with_the_engine_that_answered()
    {
        ContainerRuntimeStatus? askedWith = null;
        var choice = InfrastructureRuntimeSelection.Choose(false, Configuration(null), _ => Healthy, engine =>
        {
            askedWith = engine;
            return Pullable;
        });

        Assert.Same(Healthy, askedWith);
        Assert.Same(Pullable, choice.Images);
        Assert.Same(Healthy, choice.Engine);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("host-processes")]
    public void Publishing_always_describes_containers_with_the_official_images(string? setting)
    {
        var choice = InfrastructureRuntimeSelection.Choose(isPublishMode: true, Configuration(setting), _ => Unhealthy, _ => Unobtainable);

        Assert.Equal(InfrastructureRuntime.Containers, choice.Runtime);
        Assert.Equal(ContainerImageSource.Official, choice.Images?.Source);
    }

    [Fact]
    public void An_unknown_setting_is_refused_with_the_valid_values()
    {
        var error = Assert.Throws<DistributedApplicationException>(
            () => InfrastructureRuntimeSelection.Choose(false, Configuration("vm"), _ => Healthy, _ => Pullable));

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
        }, _ => Pullable);

        Assert.Equal("podman", asked);
    }

    private static IConfiguration Configuration(string? runtimeSetting) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [InfrastructureRuntimeSelection.ConfigurationKey] = runtimeSetting })
            .Build();
}
