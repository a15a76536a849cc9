using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.AppHost.Tests.Model;

/// <summary>The probe against stand-in runtime CLIs: real processes with the exit codes and errors of docker's.</summary>
public sealed class ContainerRuntimeProbeTests : IDisposable
{
    private readonly FakeCommands _commands = new();

    [Fact]
    public void A_runtime_whose_engine_answers_is_healthy()
    {
        var runtime = FakeRuntime("echo 'Server Version: 28.2.2'; exit 0");

        var status = ContainerRuntimeProbe.Check(runtime);

        Assert.True(status.IsHealthy);
        Assert.Equal(runtime, status.Runtime);
    }

    [Fact]
    public void A_cli_without_its_daemon_is_unhealthy_with_the_daemon_error()
    {
        var runtime = FakeRuntime(
            "echo 'Client: Version: 28.2.2'; echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' >&2; exit 1");

        var status = ContainerRuntimeProbe.Check(runtime);

        Assert.False(status.IsHealthy);
        Assert.Contains("Cannot connect to the Docker daemon", status.Detail);
    }

    [Fact]
    public void A_missing_runtime_is_reported_as_not_installed()
    {
        var status = ContainerRuntimeProbe.Check(Path.Combine(_commands.Folder, "no-such-runtime"));

        Assert.False(status.IsHealthy);
        Assert.Equal("not installed", status.Detail);
    }

    [Fact]
    public void A_runtime_that_hangs_is_unhealthy_after_the_timeout()
    {
        var runtime = FakeRuntime("sleep 30");

        var status = ContainerRuntimeProbe.Check(runtime, TimeSpan.FromSeconds(1));

        Assert.False(status.IsHealthy);
        Assert.Contains("did not answer", status.Detail);
    }

    public void Dispose() => _commands.Dispose();

    /// <summary>A runtime CLI that answers only <c>info</c>, as the probe calls it.</summary>
    private string FakeRuntime(string script) =>
        _commands.Add($"runtime-{Guid.NewGuid():N}", $"[ \"$1\" = info ] || exit 64\n{script}");
}
