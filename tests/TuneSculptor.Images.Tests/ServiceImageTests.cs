using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TuneSculptor.Images.Tests.Harness;
using TuneSculptor.Testing;

namespace TuneSculptor.Images.Tests;

/// <summary>
/// The four service images as Kubernetes would run them from deploy/k8s (see <see cref="ImageDeployment"/>): each
/// answers its probes as its non-root user on a read-only root, auth migrates its database in the MariaDB image, and
/// a video uploaded to the gateway image is converted by the converter image's ffmpeg and mailed by the notification
/// image.
/// </summary>
public sealed class ServiceImageTests(ImageDeployment deployment) : IClassFixture<ImageDeployment>
{
    private const string AppUid = "1654"; // the official .NET images' `app` user, which the SDK runs the app as

    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string> Services => [.. ImageDeployment.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Each_image_answers_its_liveness_and_readiness_probes(string service)
    {
        Describe();
        using var http = new HttpClient { BaseAddress = deployment.HttpAddress(service) };

        using var alive = await http.GetAsync("/alive", Cancellation);
        using var health = await http.GetAsync("/health", Cancellation);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // Not merely ready: every dependency check passes (a degraded one would also answer 200).
        var report = await health.Content.ReadAsStringAsync(Cancellation);
        Assert.True(JsonDocument.Parse(report).RootElement.GetProperty("status").GetString() == "Healthy", report);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Each_image_runs_as_its_non_root_user_without_privileges_with_only_the_manifests_mounts_writable(string service)
    {
        Describe();
        var container = deployment.Container(service);

        var (_, uid, _) = await ExecAsync(container, "id", "-u");
        var (appWrite, _, appError) = await ExecAsync(container, "touch", "/app/written");
        var (homeWrite, _, _) = await ExecAsync(container, "touch", "/home/app/written");
        var (tmpWrite, _, tmpError) = await ExecAsync(container, "sh", "-c", "echo x > /tmp/written && rm /tmp/written");
        var (_, status, _) = await ExecAsync(container, "cat", "/proc/self/status");

        Assert.Equal(AppUid, uid.Trim());
        Assert.NotEqual(0, appWrite);
        Assert.Contains("Read-only file system", appError);
        Assert.NotEqual(0, homeWrite);
        Assert.True(tmpWrite == 0, $"/tmp (the manifest's emptyDir) is not writable: {tmpError}");
        // allowPrivilegeEscalation: false, and every capability dropped.
        Assert.Contains("NoNewPrivs:\t1", status);
        Assert.Contains("CapEff:\t0000000000000000", status);
    }

    [Fact]
    public async Task The_broker_image_gives_each_published_user_exactly_its_rights()
    {
        Describe();
        // The users as the manifests define them: the definitions Secret the StatefulSet mounts, the services'
        // connection string, KEDA's URL, and the admin password make-secrets.sh keeps out of the cluster.
        var app = new Uri(KubernetesEnvironment.Of(deployment.Manifests.Workload("converter").Container, deployment.Manifests)["ConnectionStrings__rabbitmq"]);
        var keda = new Uri(deployment.Manifests.GeneratedSecretValue("rabbitmq-keda", "host"));
        var admin = $"admin:{deployment.Manifests.SecretFile("rabbitmq-admin-password")}";
        using var http = new HttpClient { BaseAddress = new Uri(deployment.HttpAddress("rabbitmq", 15672), "/api/") };

        // The services' user may not use the management API at all (no tag); that it connects and works over AMQP
        // the other tests show.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiAsync(http, HttpMethod.Get, "whoami", app.UserInfo)).Status);

        // KEDA's reads the converter's queue length, and can do nothing else.
        // The counts appear with the broker's first statistics of the queue (every 5 s), not when it is declared.
        var (queueStatus, queue) = await ApiAsync(http, HttpMethod.Get, "queues/%2F/video", keda.UserInfo);
        for (var wait = Stopwatch.StartNew(); queueStatus == HttpStatusCode.OK && !HasMessageCount(queue) && wait.Elapsed < TimeSpan.FromSeconds(30);)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), Cancellation);
            (queueStatus, queue) = await ApiAsync(http, HttpMethod.Get, "queues/%2F/video", keda.UserInfo);
        }

        Assert.Equal(HttpStatusCode.OK, queueStatus);
        Assert.True(HasMessageCount(queue), queue);
        var (publishStatus, published) = await ApiAsync(http, HttpMethod.Post, "exchanges/%2F/amq.default/publish", keda.UserInfo,
            new { properties = new { }, routing_key = "video", payload = "not a job", payload_encoding = "string" });
        Assert.False(publishStatus == HttpStatusCode.OK, published);
        Assert.Contains("ACCESS_REFUSED", published, StringComparison.Ordinal);
        var (getStatus, _) = await ApiAsync(http, HttpMethod.Post, "queues/%2F/video/get", keda.UserInfo,
            new { count = 1, ackmode = "ack_requeue_true", encoding = "auto" });
        Assert.Equal(HttpStatusCode.Unauthorized, getStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ApiAsync(http, HttpMethod.Get, "users", keda.UserInfo)).Status);

        // The administrator sees every user: exactly the three defined, with their tags (no default or guest user).
        var (usersStatus, users) = await ApiAsync(http, HttpMethod.Get, "users", admin);
        Assert.Equal(HttpStatusCode.OK, usersStatus);
        var tags = JsonDocument.Parse(users).RootElement.EnumerateArray().ToDictionary(
            u => u.GetProperty("name").GetString()!,
            u => string.Join(',', u.GetProperty("tags").EnumerateArray().Select(t => t.GetString())));
        Assert.Equal(new Dictionary<string, string> { ["admin"] = "administrator", ["keda"] = "management", ["tunesculptor"] = string.Empty }, tags);
    }

    private static bool HasMessageCount(string queue) => JsonDocument.Parse(queue).RootElement.TryGetProperty("messages", out _);

    private static async Task<(HttpStatusCode Status, string Body)> ApiAsync(HttpClient http, HttpMethod method, string path, string userInfo, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(userInfo))));
        using var response = await http.SendAsync(request, Cancellation);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Auth_migrates_its_database_in_the_MariaDB_image()
    {
        Describe();
        var expected = Directory.GetFiles(Repository.PathTo("services/TuneSculptor.Auth/Data/Migrations"), "*.sql")
            .Select(path => int.Parse(Path.GetFileName(path)[..4]))
            .Order()
            .ToList();

        // As the app user auth connects as, with the password from the manifests' Secret.
        var (exitCode, output, error) = await Podman.TryAsync(Cancellation,
            "exec", "--env", $"MYSQL_PWD={KubernetesEnvironment.Of(deployment.Manifests.Workload("auth").Container, deployment.Manifests)["MARIADB_PASSWORD"]}",
            deployment.Container("mysql"),
            "mariadb", "--user=tunesculptor", "--database=authdb", "--batch", "--skip-column-names",
            "--execute=SELECT version FROM schema_migrations ORDER BY version");

        Assert.True(exitCode == 0, error);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
    }

    [Fact]
    public async Task The_converter_image_runs_ffmpeg_as_its_user_and_its_own_check_passes()
    {
        Describe();
        var container = deployment.Container("converter");
        using var http = new HttpClient { BaseAddress = deployment.HttpAddress("converter") };

        var (exitCode, version, error) = await ExecAsync(container, "ffmpeg", "-hide_banner", "-version");
        var health = await http.GetFromJsonAsync<JsonElement>("/health", Cancellation);

        Assert.True(exitCode == 0, error);
        Assert.StartsWith("ffmpeg version", version);
        var ffmpegCheck = health.GetProperty("checks").EnumerateArray().Single(check => check.GetProperty("name").GetString() == "ffmpeg");
        Assert.Equal("Healthy", ffmpegCheck.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_video_uploaded_to_the_gateway_image_is_converted_mailed_and_downloaded()
    {
        Describe();
        var folder = Directory.CreateTempSubdirectory("tunesculptor-images-media-");
        try
        {
            var video = Path.Combine(folder.FullName, "clip.mp4");
            await Repository.RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "3",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", video], Cancellation);
            // smtp4dev's REST API (the `mail` Service's http port): the verification mail, then the job's.
            var mailUi = deployment.HttpAddress("mail", 80);
            using var gateway = new GatewayClient(deployment.HttpAddress("gateway"), mail: mailUi);
            using var mailBox = new MailBox(mailUi);

            var (email, token) = await gateway.SignUpAsync(Cancellation);
            var jobId = await gateway.UploadForJobAsync(token, video, Cancellation);
            var job = await gateway.WaitForJobAsync(token, jobId, JobTimeout, Cancellation);
            Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
            using var download = await gateway.DownloadAsync(token, job.GetProperty("mp3_fid").GetString()!, Cancellation);
            var mp3 = await download.Content.ReadAsByteArrayAsync(Cancellation);

            Assert.Equal("audio/mpeg", download.Content.Headers.ContentType?.MediaType);
            Assert.True(mp3.Length > 10_000, $"an mp3 of {mp3.Length} bytes for 3 s of sound");
            var mail = await mailBox.WaitForMailAsync(email, TimeSpan.FromSeconds(30), Cancellation);
            Assert.Contains("clip.mp4", mail.Subject, StringComparison.Ordinal);
            Assert.Single(await mailBox.ToAsync(email, Cancellation));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static Task<(int ExitCode, string Output, string Error)> ExecAsync(string container, params string[] command) =>
        Podman.TryAsync(Cancellation, ["exec", container, .. command]);

    private void Describe() => TestContext.Current.TestOutputHelper?.WriteLine(deployment.Description);
}
