using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// Secrets that can change: named after a hash of their content, so that a new value restarts the pods reading it,
/// with every reference (KEDA's included) following the name; values derived from others rebuilt by
/// deploy/make-secrets.sh; and that script failing loudly instead of writing an empty or broken value.
/// </summary>
public sealed partial class KubernetesSecretTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string MakeSecrets => Repository.PathTo("deploy/make-secrets.sh");

    [Fact]
    public void Secret_names_carry_a_content_hash_and_every_reference_follows_it()
    {
        var everything = published.Rendered[PublishedKubernetes.KedaOverlay];
        var secrets = everything.Where(o => o.Kind == "Secret").Select(o => o.Name).ToHashSet();

        Assert.Equal(12, secrets.Count);
        Assert.All(secrets, name => Assert.Matches(HashedName(), name));
        var references = References(everything).ToList();
        Assert.Contains(references, r => r.From == "TriggerAuthentication rabbitmq-keda");
        Assert.Contains(references, r => r.From == "Ingress tunesculptor" && r.Secret.StartsWith("ingress-tls-", StringComparison.Ordinal));
        Assert.Contains(references, r => r.From == "StatefulSet mongodb" && r.Secret.StartsWith("mongodb-keyfile-", StringComparison.Ordinal));
        Assert.Contains(references, r => r.From == "StatefulSet rabbitmq" && r.Secret.StartsWith("rabbitmq-definitions-", StringComparison.Ordinal));
        Assert.All(references, r => Assert.True(secrets.Contains(r.Secret), $"{r.From} refers to '{r.Secret}', which is not a rendered Secret"));
        // Every Secret is read by something.
        Assert.Equal(secrets.Order(StringComparer.Ordinal), references.Select(r => r.Secret).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_new_password_restarts_exactly_the_pods_that_read_it_and_rebuilds_KEDAs_URL()
    {
        var copy = Directory.CreateTempSubdirectory("tunesculptor-k8s-rotate-");
        try
        {
            await Repository.RunAsync("cp", ["-r", $"{published.OutputPath}/.", copy.FullName], Cancellation);
            var overlay = Path.Combine(copy.FullName, PublishedKubernetes.Overlay);
            var keda = Path.Combine(copy.FullName, PublishedKubernetes.KedaOverlay);
            var before = RenderedObject.Split(await Repository.RunAsync("kubectl", ["kustomize", keda], Cancellation));
            var kedaHost = SecretValue(before, "rabbitmq-keda", "host");

            // The services' broker password: the services and the broker (which imports the new hash) restart.
            var afterApp = await RotateAsync(overlay, keda, "rabbitmq-password", "rotated-password-0123456789");
            Assert.Equal("rotated-password-0123456789", SecretValue(afterApp, "rabbitmq-password", "value"));
            Assert.Equal(kedaHost, SecretValue(afterApp, "rabbitmq-keda", "host"));
            Assert.Equal(["Deployment auth", "Deployment converter", "Deployment gateway", "Deployment notification", "StatefulSet rabbitmq"], Changed(before, afterApp));

            // KEDA's: its URL is rebuilt, and only KEDA's authentication and the broker change.
            var afterKeda = await RotateAsync(overlay, keda, "rabbitmq-keda-password", "rotated-keda-0123456789");
            Assert.Equal("http://keda:rotated-keda-0123456789@rabbitmq.tunesculptor.svc.cluster.local:15672", SecretValue(afterKeda, "rabbitmq-keda", "host"));
            Assert.Equal(["StatefulSet rabbitmq", "TriggerAuthentication rabbitmq-keda"], Changed(afterApp, afterKeda));

            // MongoDB's app user: the services and the init Job (which sets it); not the members, which hold root's.
            var afterMongo = await RotateAsync(overlay, keda, "mongodb-password", "rotated-mongodb-0123456789");
            Assert.Equal(["Deployment converter", "Deployment gateway", "Deployment notification", "Job mongodb-init"], Changed(afterKeda, afterMongo));
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    /// <summary>Writes a new value into a secret's file, runs make-secrets.sh and renders <paramref name="rendered"/> again.</summary>
    private static async Task<IReadOnlyList<RenderedObject>> RotateAsync(string overlay, string rendered, string secret, string value)
    {
        await File.WriteAllTextAsync(Path.Combine(overlay, $"secrets/{secret}/value"), value, Cancellation);
        await Repository.RunAsync("bash", [MakeSecrets, overlay], Cancellation);
        return RenderedObject.Split(await Repository.RunAsync("kubectl", ["kustomize", rendered], Cancellation));
    }

    /// <summary>The workloads whose pod template (or KEDA's authentication) changed, so their pods roll.</summary>
    private static IEnumerable<string> Changed(IReadOnlyList<RenderedObject> before, IReadOnlyList<RenderedObject> after) =>
        Workloads(after).Where(w => Workloads(before)[w.Key] != w.Value).Select(w => w.Key).Order(StringComparer.Ordinal);

    [Fact]
    public async Task Make_secrets_run_again_changes_nothing()
    {
        var overlay = ScratchOverlay.New();
        try
        {
            var first = await Repository.RunAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);
            var files = ScratchOverlay.Snapshot(overlay);
            var second = await Repository.RunAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);

            // Eleven made, the ingress's certificate and key, two derived (KEDA's URL, the broker's definitions); one line
            // for each, the certificate's two files in one.
            Assert.Equal(15, files.Count);
            Assert.Equal(14, first.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(string.Empty, second);
            Assert.Equal(files, ScratchOverlay.Snapshot(overlay));
            Assert.All(files.Values, value => Assert.NotEmpty(value));
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Make_secrets_fails_loudly_when_openssl_fails_and_writes_no_file()
    {
        var overlay = ScratchOverlay.New();
        using var commands = new FakeCommands();
        try
        {
            // Isolates the failure on purpose: an openssl that always fails, first on PATH.
            commands.Add("openssl", "echo 'openssl: out of entropy (test)' >&2\nexit 1");

            var (exitCode, _, error) = await Repository.RunUncheckedAsync("bash", [MakeSecrets, overlay.FullName], Cancellation,
                environment: new Dictionary<string, string> { ["PATH"] = commands.PathFirst });

            Assert.NotEqual(0, exitCode);
            Assert.Contains("out of entropy (test)", error, StringComparison.Ordinal);
            Assert.Contains("make-secrets: could not make mysql-password/value", error, StringComparison.Ordinal);
            Assert.Empty(ScratchOverlay.Snapshot(overlay));
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("mysql-password/value", "has;semicolon", "may hold only letters")]
    [InlineData("rabbitmq-password/value", "p@ss/word", "may hold only letters")]
    [InlineData("rabbitmq-admin-password/value", "has\"quote", "may hold only letters")]
    [InlineData("auth-signing-key/value", "not a key", "is not a private key")]
    [InlineData("link-signing-key/value", "c2hvcnQ=", "at least 32 random bytes")]
    [InlineData("mongodb-keyfile/value", "short", "6 to 1024 base64 characters")]
    public async Task Make_secrets_refuses_a_value_the_services_could_not_use(string file, string value, string message)
    {
        var overlay = ScratchOverlay.New();
        try
        {
            var path = Path.Combine(overlay.FullName, "secrets", file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, value, Cancellation);

            var (exitCode, _, error) = await Repository.RunUncheckedAsync("bash", [MakeSecrets, overlay.FullName], Cancellation);

            Assert.NotEqual(0, exitCode);
            Assert.Contains(message, error, StringComparison.Ordinal);
            // Nothing derived from a value that was refused.
            Assert.False(File.Exists(Path.Combine(overlay.FullName, "secrets/rabbitmq-keda/host")));
            Assert.False(File.Exists(Path.Combine(overlay.FullName, "secrets/rabbitmq-definitions/definitions.json")));
        }
        finally
        {
            overlay.Delete(recursive: true);
        }
    }

    private static string SecretValue(IReadOnlyList<RenderedObject> objects, string name, string key) =>
        Encoding.UTF8.GetString(objects.Single(o => o.Kind == "Secret" && HashedName().Match(o.Name).Groups["name"].Value == name).As<V1Secret>().Data[key]);

    /// <summary>Each workload's pod template (and KEDA's authentication) as YAML, by kind and name.</summary>
    private static Dictionary<string, string> Workloads(IReadOnlyList<RenderedObject> objects) =>
        objects.Where(o => o.Kind is "Deployment" or "StatefulSet" or "Job" or "TriggerAuthentication")
            .ToDictionary(o => $"{o.Kind} {o.Name}", o => o.Kind switch
            {
                "Deployment" => k8s.KubernetesYaml.Serialize(o.As<V1Deployment>().Spec.Template),
                "StatefulSet" => k8s.KubernetesYaml.Serialize(o.As<V1StatefulSet>().Spec.Template),
                "Job" => k8s.KubernetesYaml.Serialize(o.As<V1Job>().Spec.Template),
                _ => o.Yaml,
            });

    /// <summary>Every Secret an object names: env references, secret volumes, an Ingress's certificates, KEDA's secretTargetRef.</summary>
    private static IEnumerable<(string From, string Secret)> References(IEnumerable<RenderedObject> objects)
    {
        foreach (var item in objects)
        {
            var from = $"{item.Kind} {item.Name}";
            V1PodSpec? pod = item.Kind switch
            {
                "Deployment" => item.As<V1Deployment>().Spec.Template.Spec,
                "StatefulSet" => item.As<V1StatefulSet>().Spec.Template.Spec,
                "Job" => item.As<V1Job>().Spec.Template.Spec,
                _ => null,
            };
            foreach (var container in pod is null ? [] : pod.Containers.Concat(pod.InitContainers ?? []))
            {
                foreach (var env in container.Env ?? [])
                {
                    if (env.ValueFrom?.SecretKeyRef is { } reference)
                    {
                        yield return (from, reference.Name);
                    }
                }
            }

            foreach (var volume in pod?.Volumes ?? [])
            {
                if (volume.Secret is { } secret)
                {
                    yield return (from, secret.SecretName);
                }
            }

            foreach (var tls in item.Kind == "Ingress" ? item.As<V1Ingress>().Spec.Tls ?? [] : [])
            {
                yield return (from, tls.SecretName);
            }

            if (item.Kind == "TriggerAuthentication")
            {
                foreach (var target in item.As<TriggerAuthenticationHead>().Spec.SecretTargetRef)
                {
                    yield return (from, target.Name);
                }
            }
        }
    }

    /// <summary>kustomize's suffix: a dash and ten characters of the content's hash.</summary>
    [GeneratedRegex("^(?<name>[a-z0-9-]+)-[a-z0-9]{10}$")]
    private static partial Regex HashedName();

    /// <summary>The part of a KEDA TriggerAuthentication read here (the client has no model for it).</summary>
    private sealed class TriggerAuthenticationHead
    {
        public AuthenticationSpec Spec { get; set; } = new();

        public sealed class AuthenticationSpec
        {
            public List<SecretTarget> SecretTargetRef { get; set; } = [];
        }

        public sealed class SecretTarget
        {
            public string Name { get; set; } = string.Empty;
        }
    }
}
