using System.Text.Json.Nodes;
using TuneSculptor.Testing;

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
        var fresh = Repository.PathTo($"aspire-manifest.{Guid.NewGuid():N}.tmp.json");
        try
        {
            await Repository.PublishAsync(TestContext.Current.CancellationToken, "--publisher", "manifest", "--output-path", fresh);

            var checkedIn = await File.ReadAllTextAsync(Repository.PathTo("aspire-manifest.json"), TestContext.Current.CancellationToken);
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
}
