using Microsoft.Extensions.Configuration;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.AppHost.Tests.Model;

/// <summary>Where images come from, with the registry and build probes replaced on purpose: each case is a machine kind.</summary>
public sealed class ContainerImageSelectionTests
{
    private static readonly ContainerRuntimeStatus Podman = new("podman", true, "the engine answered");
    private const string NoRegistry = "registry-1.docker.io did not answer within 3 s";
    private const string NoMmdebstrap = "neither mmdebstrap nor the base image is here";

    [Fact]
    public void Auto_takes_the_official_images_when_their_registry_answers()
    {
        var choice = Choose(null, registry: null, cannotBuild: null);

        Assert.Equal(new(ContainerImageSource.Official, true, "the official images' registry answered"), choice);
    }

    [Fact]
    public void Auto_builds_images_here_when_no_registry_answers()
    {
        var choice = Choose("auto", NoRegistry, cannotBuild: null);

        Assert.Equal(ContainerImageSource.Local, choice.Source);
        Assert.True(choice.CanBeHad);
        Assert.Contains(NoRegistry, choice.Reason);
    }

    [Fact]
    public void Auto_says_the_images_cannot_be_had_when_neither_pulling_nor_building_can_work()
    {
        var choice = Choose(null, NoRegistry, NoMmdebstrap);

        Assert.False(choice.CanBeHad);
        Assert.Contains(NoRegistry, choice.Reason);
        Assert.Contains(NoMmdebstrap, choice.Reason);
    }

    [Fact]
    public void Local_is_obeyed_without_asking_the_registry_and_says_when_it_cannot_build()
    {
        var choice = ContainerImageSelection.Choose(Configuration("local"), Podman,
            () => throw new InvalidOperationException("the registry must not be asked"), _ => NoMmdebstrap);

        Assert.Equal(ContainerImageSource.Local, choice.Source);
        Assert.False(choice.CanBeHad);
        Assert.Contains(NoMmdebstrap, choice.Reason);
    }

    [Fact]
    public void Official_is_obeyed_without_asking_anything()
    {
        var choice = ContainerImageSelection.Choose(Configuration("Official"), Podman,
            () => throw new InvalidOperationException("the registry must not be asked"),
            _ => throw new InvalidOperationException("the build must not be asked"));

        Assert.Equal(ContainerImageSource.Official, choice.Source);
        Assert.True(choice.CanBeHad);
    }

    [Fact]
    public void An_unknown_setting_is_refused_with_the_valid_values()
    {
        var error = Assert.Throws<DistributedApplicationException>(() => Choose("mirror", null, null));

        Assert.Contains("auto, official or local", error.Message);
    }

    private static ContainerImageChoice Choose(string? setting, string? registry, string? cannotBuild) =>
        ContainerImageSelection.Choose(Configuration(setting), Podman, () => registry, _ => cannotBuild);

    private static IConfiguration Configuration(string? setting) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [ContainerImageSelection.ConfigurationKey] = setting })
            .Build();
}
