using System.Diagnostics;
using System.Text.Json.Nodes;

namespace TuneSculptor.AppHost.Tests.Model;

public sealed class ManifestTests
{
    /// <summary>
    /// Regenerates the manifest the documented way (see README) next to the checked-in one, so relative project
    /// paths match, with the host-process runtime requested: publishing must ignore it and describe containers.
    /// </summary>
    [Fact]
    public async Task The_checked_in_manifest_is_what_the_AppHost_publishes_now()
    {
        var root = RepositoryRoot();
        var fresh = Path.Combine(root, $"aspire-manifest.{Guid.NewGuid():N}.tmp.json");
        try
        {
            await PublishManifestAsync(root, fresh);

            var checkedIn = await File.ReadAllTextAsync(Path.Combine(root, "aspire-manifest.json"), TestContext.Current.CancellationToken);
            var generated = await File.ReadAllTextAsync(fresh, TestContext.Current.CancellationToken);
            Assert.True(
                JsonNode.DeepEquals(JsonNode.Parse(checkedIn), JsonNode.Parse(generated)),
                "aspire-manifest.json is stale: regenerate it with eng/publish-manifest.sh and commit it.");

            var resources = JsonNode.Parse(generated)!["resources"]!;
            foreach (var server in new[] { "mysql", "mongodb", "rabbitmq", "mail" })
            {
                Assert.Equal("container.v0", (string?)resources[server]!["type"]);
            }
        }
        finally
        {
            File.Delete(fresh);
        }
    }

    private static async Task PublishManifestAsync(string root, string outputPath)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "run", "--project", Path.Combine(root, "TuneSculptor.AppHost"), "--no-build", "--no-launch-profile",
                "--", "--publisher", "manifest", "--output-path", outputPath,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        startInfo.Environment["INFRASTRUCTURE_RUNTIME"] = "host-processes";
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"publishing failed ({process.ExitCode}):\n{await output}\n{await error}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TuneSculptor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("TuneSculptor.sln not found above the test's folder.");
    }
}
