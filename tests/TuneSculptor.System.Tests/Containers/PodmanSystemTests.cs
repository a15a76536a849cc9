using System.Net;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Containers;

/// <summary>
/// The whole AppHost model with its servers in podman containers (INFRASTRUCTURE_RUNTIME=containers), images as the
/// image source setting chooses them (the official ones where a registry answers, else built here by
/// eng/images/build.sh, cached): every resource healthy, one video through the gateway to a mailed, downloadable mp3,
/// and nothing of the run left afterwards. Volumes are the run's own (CONTAINER_VOLUME_PREFIX), never a developer's.
/// </summary>
public sealed class PodmanSystemTests
{
    /// <summary>On a fresh machine the local images are built before the start (~2 min here); cached, ~1 s.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(12);

    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(30);

    private static readonly string[] Servers = ["mysql", "mongodb", "rabbitmq", "mail"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_podman_containers_a_video_becomes_a_mailed_mp3_and_nothing_is_left_behind()
    {
        var volumePrefix = $"tunesculptor-test-{Guid.NewGuid():N}"[..30];
        var system = await HostProcessSystem.StartAsync(Cancellation,
            "--INFRASTRUCTURE_RUNTIME=containers", "--ASPIRE_CONTAINER_RUNTIME=podman", $"--CONTAINER_VOLUME_PREFIX={volumePrefix}");
        var marker = $"{HostProcessSystem.RunMarkerVariable}={system.RunId}";
        var containers = new Dictionary<string, string>();
        var volumes = new HashSet<string>();
        try
        {
            await system.WaitForHealthyAsync(system.Resources.All, StartTimeout, Cancellation);
            const string imageChoiceLog = "Container images: ";
            var imageChoice = system.RecentLogs(HostProcessSystem.AppHostLog, 2000).Split('\n')
                .Select(line => line.IndexOf(imageChoiceLog, StringComparison.Ordinal) is var at and >= 0 ? line[at..].Trim() : null)
                .LastOrDefault(line => line is not null);
            TestContext.Current.TestOutputHelper?.WriteLine($"{imageChoice ?? "Container images: (not logged)"}; all healthy {system.StartupTime.TotalSeconds:0.0} s after start");
            Assert.NotNull(imageChoice);

            foreach (var server in Servers)
            {
                var id = ContainerIdOf(system, server);
                containers[server] = id;
                var inspected = (await Podman(["inspect", "--format", "{{.ImageName}}|{{range .Mounts}}{{.Name}} {{end}}", id])).Trim().Split('|');
                TestContext.Current.TestOutputHelper?.WriteLine($"{server}: container {id[..12]}, image {inspected[0]}");
                // Each server runs the image of the chosen source, and a container engine, not a host process, runs it.
                Assert.Contains(imageChoice.Contains("Local:", StringComparison.Ordinal) ? "localhost/tunesculptor/" : "docker.io/", inspected[0]);
                volumes.UnionWith(inspected[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }

            Assert.Equal(3, volumes.Count(v => v.StartsWith(volumePrefix, StringComparison.Ordinal)));
            await ConvertOneVideoAsync(system);
        }
        finally
        {
            await system.DisposeAsync();
            await RemoveVolumesAsync(volumePrefix);
        }

        await AssertNothingLeftAsync(marker, containers, volumes, volumePrefix);
    }

    private static async Task ConvertOneVideoAsync(HostProcessSystem system)
    {
        using var gateway = new GatewayClient(system.GetHttpEndpoint("gateway"), mail: system.GetHttpEndpoint("mail"));
        using var mail = new MailBox(system.GetHttpEndpoint("mail"));
        using var media = new MediaSamples();
        var (email, token) = await gateway.SignUpAsync(Cancellation);

        var jobId = await gateway.UploadForJobAsync(token, await media.VideoAsync("mp4"), Cancellation);
        var job = await gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation);

        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        var link = (await mail.WaitForMailAsync(email, JobTimeout, Cancellation)).DownloadLink;
        Assert.Equal(job.GetProperty("download_url").GetString(), link);
        using var download = await gateway.GetAsync(token, new Uri(link!).PathAndQuery, Cancellation);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var mp3 = media.PathFor("podman.mp3");
        await File.WriteAllBytesAsync(mp3, await download.Content.ReadAsByteArrayAsync(Cancellation), Cancellation);
        var probed = await MediaSamples.ProbeAsync(mp3);
        Assert.Equal("mp3", probed.FormatName);
        Assert.InRange(probed.DurationSeconds, MediaSamples.SampleSeconds * 0.98, MediaSamples.SampleSeconds * 1.02);
    }

    private static string ContainerIdOf(HostProcessSystem system, string resourceName) =>
        system.App.ResourceNotifications.TryGetCurrentState(resourceName, out var resourceEvent)
        && resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "container.id")?.Value?.ToString() is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException($"'{resourceName}' has no container id: it does not run as a container.");

    /// <summary>The run's named volumes outlive it by design (data kept between runs): the test removes its own.</summary>
    private static async Task RemoveVolumesAsync(string volumePrefix)
    {
        var names = (await Podman(["volume", "ls", "--quiet", "--filter", $"name={volumePrefix}"]))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (names.Length > 0)
        {
            await Podman(["volume", "rm", .. names]);
        }
    }

    private static async Task AssertNothingLeftAsync(
        string marker, Dictionary<string, string> containers, HashSet<string> volumes, string volumePrefix)
    {
        var deadline = DateTime.UtcNow + ShutdownGrace;
        while (true)
        {
            var processes = ProcFs.WithEnvironmentEntry(marker);
            var allContainers = await Podman(["ps", "--all", "--no-trunc", "--format", "{{.ID}}"]);
            var leftContainers = containers.Where(c => allContainers.Contains(c.Value, StringComparison.Ordinal)).Select(c => c.Key).ToList();
            var allVolumes = (await Podman(["volume", "ls", "--format", "{{.Name}}"])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var leftVolumes = allVolumes.Where(v => volumes.Contains(v) || v.StartsWith(volumePrefix, StringComparison.Ordinal)).ToList();
            if (processes.Count == 0 && leftContainers.Count == 0 && leftVolumes.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Left {ShutdownGrace.TotalSeconds:0} s after shutdown: containers of [{string.Join(", ", leftContainers)}], " +
                            $"volumes [{string.Join(", ", leftVolumes)}], processes:\n{string.Join('\n', processes)}");
            }

            await Task.Delay(500, Cancellation);
        }
    }

    private static Task<string> Podman(string[] arguments) => Repository.RunAsync("podman", arguments, Cancellation);
}
