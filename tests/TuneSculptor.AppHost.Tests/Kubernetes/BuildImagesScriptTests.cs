using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// deploy/build-images.sh builds for the architecture of the engine it builds into (minikube's node on an arm64
/// laptop is arm64), unless TARGET_ARCH says otherwise. Isolated on purpose: a stand-in <c>docker</c> reports the
/// architecture and a stand-in <c>dotnet</c> records what it is asked, since no arm64 engine runs here (the real
/// build runs in tests/TuneSculptor.Images.Tests).
/// </summary>
public sealed class BuildImagesScriptTests : IDisposable
{
    private readonly FakeCommands _commands = new();

    private string Calls => Path.Combine(_commands.Folder, "calls");

    [Theory]
    [InlineData("aarch64", null, "arm64")]
    [InlineData("x86_64", null, "x64")]
    [InlineData("x86_64", "arm64", "arm64")]
    public async Task Publishes_for_the_engines_architecture_or_the_one_asked_for(string engineArch, string? targetArch, string expected)
    {
        var (exitCode, output, error) = await RunAsync(engineArch, targetArch);

        Assert.True(exitCode == 0, $"{output}\n{error}");
        var publish = File.ReadAllLines(Calls).Single(line => line.StartsWith("dotnet publish", StringComparison.Ordinal));
        Assert.Contains($" --os linux --arch {expected} ", publish, StringComparison.Ordinal);
        Assert.Contains($"building for linux-{expected}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_an_architecture_it_has_no_runtime_for()
    {
        var (exitCode, _, error) = await RunAsync("s390x", null);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("unsupported architecture 's390x'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Calls) && File.ReadAllText(Calls).Contains("dotnet publish", StringComparison.Ordinal));
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string engineArch, string? targetArch)
    {
        _commands.Add("docker", $"""
            echo "docker $*" >> '{Calls}'
            case "$1" in
              info) echo '{engineArch}' ;;
            esac
            """);
        _commands.Add("dotnet", $"""
            echo "dotnet $*" >> '{Calls}'
            """);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = _commands.PathFirst,
            // Empty means unset to the script, whatever the environment running the tests has.
            ["TARGET_ARCH"] = targetArch ?? string.Empty,
        };
        return await Repository.RunUncheckedAsync("bash", [Repository.PathTo("deploy/build-images.sh"), "auth"],
            TestContext.Current.CancellationToken, environment: environment);
    }

    public void Dispose() => _commands.Dispose();
}
