using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// The Kubernetes manifests published from the AppHost's model: reproducible, renderable, valid against the
/// schemas, with secrets only in Secrets and every address a service is given pointing at a generated Service.
/// (No cluster runs here; see the README's runbook for what only a cluster can confirm.)
/// </summary>
public sealed partial class KubernetesManifestTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private static readonly string[] Services = ["auth", "converter", "gateway", "notification"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IReadOnlyList<RenderedObject> Everything => published.Rendered[PublishedKubernetes.KedaOverlay];

    [Fact]
    public async Task Publishing_is_deterministic_and_the_checked_in_tree_is_what_it_writes_now()
    {
        var again = Directory.CreateTempSubdirectory("tunesculptor-k8s-again-");
        try
        {
            await PublishedKubernetes.PublishAsync(again.FullName, Cancellation);
            Assert.Equal(published.Files, PublishedKubernetes.ReadTree(again.FullName));
        }
        finally
        {
            again.Delete(recursive: true);
        }

        var checkedIn = PublishedKubernetes.ReadTree(Repository.PathTo("deploy/k8s"));
        Assert.True(
            checkedIn.Count == published.Files.Count && checkedIn.All(f => published.Files.GetValueOrDefault(f.Key) == f.Value),
            "deploy/k8s is stale: regenerate it with eng/publish-kubernetes.sh and commit it. Differs: " +
            string.Join(", ", checkedIn.Keys.Union(published.Files.Keys).Where(k => checkedIn.GetValueOrDefault(k) != published.Files.GetValueOrDefault(k))));
    }

    [Fact]
    public void Kustomize_renders_the_whole_system_in_its_namespace()
    {
        var objects = published.Rendered[PublishedKubernetes.Overlay];

        Assert.Equal(["auth", "converter", "gateway", "mail", "notification"], Names(objects, "Deployment"));
        Assert.Equal(["mongodb", "mysql", "rabbitmq"], Names(objects, "StatefulSet"));
        Assert.Equal(["mongodb-init"], Names(objects, "Job"));
        Assert.Equal(["tunesculptor"], Names(objects, "Ingress"));
        Assert.All(objects.Where(o => o.Kind != "Namespace"), o => Assert.Equal("tunesculptor", o.As<ObjectHead>().Metadata.NamespaceProperty));
        Assert.DoesNotContain(objects, o => o.ApiVersion.StartsWith("keda.sh", StringComparison.Ordinal));

        // The KEDA overlay is the same system, scaled on the video queue (KEDA let through to the management API).
        Assert.Equal(["converter"], Names(Everything, "ScaledObject"));
        Assert.Equal(["rabbitmq-keda"], Names(Everything, "TriggerAuthentication"));
        Assert.Equal(["rabbitmq-from-keda"], Names(Everything, "NetworkPolicy").Except(Names(objects, "NetworkPolicy")));
        Assert.Equal(objects.Count + 3, Everything.Count);
    }

    [Fact]
    public async Task Every_object_of_every_overlay_validates_against_the_Kubernetes_and_KEDA_schemas_strictly()
    {
        // Each overlay, and so each component (mail and tls in both, keda in the second); strict: no unknown field.
        foreach (var (overlay, objects) in published.Rendered)
        {
            var report = await Repository.RunAsync("node", [Validator], Cancellation, standardInput: RenderedObject.Join(objects));
            TestContext.Current.TestOutputHelper?.WriteLine($"{overlay}:\n{report}");
            Assert.EndsWith($"{objects.Count} objects, 0 invalid\n", report, StringComparison.Ordinal);
        }

        // The validator does reject what is wrong (else the check above proves nothing).
        var gateway = Everything.Single(o => o is { Kind: "Deployment", Name: "gateway" });
        var broken = Mutate(gateway, "  replicas: 2\n", "  replicas: two\n");
        var (exitCode, output, _) = await Repository.RunUncheckedAsync("node", [Validator], Cancellation, standardInput: broken);
        Assert.True(exitCode != 0, output);
        Assert.Contains("/spec/replicas must be integer", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Deployment", "gateway", "  replicas: 2\n", "  replicas: 2\n  replica: 2\n", "/spec/replica")]
    [InlineData("Deployment", "gateway", "imagePullPolicy: IfNotPresent", "imagePulPolicy: IfNotPresent", "/spec/template/spec/containers/0/imagePulPolicy")]
    [InlineData("ScaledObject", "converter", "  minReplicaCount: 1\n", "  minReplicaCount: 1\n  cooldown: 300\n", "/spec/cooldown")]
    [InlineData("ScaledObject", "converter", "  - authenticationRef:\n", "  - authenticationRefs: {}\n    authenticationRef:\n", "/spec/triggers/0/authenticationRefs")]
    public async Task The_strict_check_rejects_a_field_the_schema_does_not_have_naming_its_path(string kind, string name, string field, string misspelled, string path)
    {
        var broken = Mutate(Everything.Single(o => o.Kind == kind && o.Name == name), field, misspelled);

        var (exitCode, output, _) = await Repository.RunUncheckedAsync("node", [Validator], Cancellation, standardInput: broken);

        Assert.True(exitCode == 1, output);
        Assert.Contains($"{path} is not a field of its schema (unknown or misspelled)", output, StringComparison.Ordinal);
        Assert.Contains("1 objects, 1 invalid", output, StringComparison.Ordinal);
        // Types, enums and required fields alone let it through: the strict check is what catches it.
        var lenient = await Repository.RunAsync("node", [Validator, "--allow-unknown-fields"], Cancellation, standardInput: broken);
        Assert.Contains("1 objects, 0 invalid", lenient, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_strict_check_leaves_maps_free_form_objects_and_int_or_string_values_alone()
    {
        // Maps (labels, annotations, limits, pod overhead), int-or-string (a named port, a number), a CRD's schema
        // with x-kubernetes-preserve-unknown-fields and a free-form default: none of their keys is a field to check.
        const string objects = """
            apiVersion: v1
            kind: Pod
            metadata: {name: p, labels: {any-label: x}, annotations: {example.com/any: y}}
            spec:
              overhead: {cpu: 100m}
              containers:
              - name: c
                image: example/c:1
                ports: [{containerPort: 8080, name: http}]
                livenessProbe: {httpGet: {port: http, path: /}}
                readinessProbe: {tcpSocket: {port: 8080}}
                resources: {limits: {cpu: 1, memory: 1Gi}}
            ---
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    description: anything goes
                    x-kubernetes-preserve-unknown-fields: true
                    properties:
                      size: {x-kubernetes-int-or-string: true, default: {free: {form: 1}}}
            """;

        var report = await Repository.RunAsync("node", [Validator], Cancellation, standardInput: objects);

        Assert.Contains("2 objects, 0 invalid", report, StringComparison.Ordinal);
        var (exitCode, output, _) = await Repository.RunUncheckedAsync("node", [Validator], Cancellation, standardInput: objects.Replace("served: true", "servd: true", StringComparison.Ordinal));
        Assert.True(exitCode == 1, output);
        Assert.Contains("/spec/versions/0/servd is not a field of its schema", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_strict_checks_premise_holds_for_every_model_type_installed()
    {
        // Every field a model type declares is read by its compiled validator, save the few the check knows.
        var report = await Repository.RunAsync("node", [Validator, "--check-coverage"], Cancellation);

        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Assert.Matches(@"\n\d{3,} model types, 0 with fields their validator does not read and the strict check does not know\n$", report);
    }

    private static string Validator => Repository.PathTo("tools/k8s-validate/validate.mjs");

    /// <summary>The object's YAML with <paramref name="from"/> (which must be there once) replaced.</summary>
    private static string Mutate(RenderedObject item, string from, string to)
    {
        Assert.Single(Regex.Matches(item.Yaml, Regex.Escape(from)));
        return item.Yaml.Replace(from, to, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_values_appear_in_Secrets_only()
    {
        var secrets = Everything.Where(o => o.Kind == "Secret").Select(o => o.As<V1Secret>()).ToList();
        var values = secrets.SelectMany(s => s.Data.Values).Select(Encoding.UTF8.GetString).ToList();
        Assert.Equal(13, values.Count);

        foreach (var item in Everything.Where(o => o.Kind != "Secret"))
        {
            foreach (var value in values.Where(v => v.Length >= 8))
            {
                Assert.False(item.Yaml.Contains(value, StringComparison.Ordinal), $"{item.Kind} {item.Name} holds a secret value");
                Assert.False(item.Yaml.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)), StringComparison.Ordinal), $"{item.Kind} {item.Name} holds a secret value");
            }
        }

        // No setting whose name says "secret" is set literally: it comes from a Secret (valueFrom) or embeds one.
        var literals = Everything.Where(o => o.Kind == "ConfigMap").SelectMany(o => o.As<V1ConfigMap>().Data ?? new Dictionary<string, string>())
            .Concat(Containers().SelectMany(c => c.Container.Env ?? []).Where(e => e.Value is not null).Select(e => KeyValuePair.Create(e.Name, e.Value)));
        Assert.All(literals.Where(l => SecretLikeName().IsMatch(l.Key)), l => Assert.Matches(@"\$\([A-Z_]+\)", l.Value));
    }

    [Fact]
    public void Every_address_a_service_is_given_is_a_generated_Service_and_port()
    {
        var services = Everything.Where(o => o.Kind == "Service").Select(o => o.As<V1Service>()).ToDictionary(s => s.Metadata.Name);
        var statefulSets = Everything.Where(o => o.Kind == "StatefulSet").Select(o => o.As<V1StatefulSet>()).ToDictionary(s => s.Metadata.Name);
        var secretValues = Everything.Where(o => o.Kind == "Secret").Select(o => o.As<V1Secret>())
            .SelectMany(s => s.Data.Select(d => (Key: $"{s.Metadata.Name}/{d.Key}", Value: Encoding.UTF8.GetString(d.Value))))
            .ToDictionary(d => d.Key, d => d.Value);
        var checkedAddresses = 0;

        foreach (var (owner, container) in Containers())
        {
            foreach (var (name, value) in Settings(container, secretValues))
            {
                foreach (var (host, port) in Addresses(value))
                {
                    AssertServed(services, statefulSets, host, port, $"{owner} {name}");
                    checkedAddresses++;
                }
            }
        }

        foreach (var backend in Everything.Where(o => o.Kind == "Ingress").SelectMany(o => o.As<V1Ingress>().Spec.Rules).SelectMany(r => r.Http.Paths))
        {
            AssertServed(services, statefulSets, backend.Backend.Service.Name, backend.Backend.Service.Port.Number!.Value, "ingress");
        }

        // Secret names end in a hash of their content.
        var kedaHost = secretValues.Single(s => s.Key.StartsWith("rabbitmq-keda-", StringComparison.Ordinal) && s.Key.EndsWith("/host", StringComparison.Ordinal)).Value;
        foreach (var (host, port) in Addresses(kedaHost))
        {
            AssertServed(services, statefulSets, host, port, "KEDA");
        }

        Assert.True(checkedAddresses >= 10, $"only {checkedAddresses} addresses found");
    }

    [Fact]
    public async Task Each_service_image_is_the_one_its_project_builds()
    {
        foreach (var service in Services)
        {
            var project = Repository.PathTo($"services/TuneSculptor.{char.ToUpperInvariant(service[0])}{service[1..]}");
            var repository = (await Repository.RunAsync("dotnet", ["msbuild", project, "-getProperty:ContainerRepository"], Cancellation)).Trim();
            var tag = (await Repository.RunAsync("dotnet", ["msbuild", project, "-getProperty:ContainerImageTag"], Cancellation)).Trim();

            var deployment = Everything.Single(o => o is { Kind: "Deployment" } && o.Name == service).As<V1Deployment>();
            Assert.Equal($"{repository}:{tag}", deployment.Spec.Template.Spec.Containers.Single().Image);
        }
    }

    [Fact]
    public void Services_can_stop_gracefully_and_the_gateway_is_redundant()
    {
        var deployments = Everything.Where(o => o.Kind == "Deployment").Select(o => o.As<V1Deployment>()).ToDictionary(d => d.Metadata.Name);

        Assert.True(deployments["gateway"].Spec.Replicas >= 2);
        // Converter:ShutdownGrace (25 s) for jobs in flight, plus the host's 10 s margin, inside Kubernetes' wait.
        Assert.True(deployments["converter"].Spec.Template.Spec.TerminationGracePeriodSeconds >= 35);
        Assert.All(Services, s => Assert.NotNull(deployments[s].Spec.Template.Spec.Containers.Single().Resources.Limits));
    }

    private IEnumerable<(string Owner, V1Container Container)> Containers() =>
        Everything.Where(o => o.Kind is "Deployment" or "StatefulSet" or "Job").SelectMany(o => PodOf(o).Containers.Select(c => ($"{o.Kind} {o.Name}", c)));

    private static V1PodSpec PodOf(RenderedObject workload) => workload.Kind switch
    {
        "Deployment" => workload.As<V1Deployment>().Spec.Template.Spec,
        "StatefulSet" => workload.As<V1StatefulSet>().Spec.Template.Spec,
        _ => workload.As<V1Job>().Spec.Template.Spec,
    };

    /// <summary>A container's settings as the process sees them: ConfigMap values, then env with $(VAR) expanded.</summary>
    private IEnumerable<(string Name, string Value)> Settings(V1Container container, IReadOnlyDictionary<string, string> secretValues)
    {
        var configMaps = Everything.Where(o => o.Kind == "ConfigMap").Select(o => o.As<V1ConfigMap>()).ToDictionary(c => c.Metadata.Name);
        var variables = new Dictionary<string, string>();
        foreach (var source in container.EnvFrom ?? [])
        {
            foreach (var (name, value) in configMaps[source.ConfigMapRef.Name].Data ?? new Dictionary<string, string>())
            {
                variables[name] = value;
            }
        }

        foreach (var env in container.Env ?? [])
        {
            variables[env.Name] = env.ValueFrom?.SecretKeyRef is { } secret
                ? secretValues[$"{secret.Name}/{secret.Key}"]
                : Placeholder().Replace(env.Value ?? string.Empty, m => variables[m.Groups[1].Value]);
        }

        return variables.Select(v => (v.Key, v.Value));
    }

    /// <summary>host:port pairs in URLs (several hosts for MongoDB) and in <c>Server=…;Port=…</c> connection strings.</summary>
    private static IEnumerable<(string Host, int Port)> Addresses(string value)
    {
        foreach (Match url in UrlAuthority().Matches(value))
        {
            foreach (var hostAndPort in url.Groups["hosts"].Value.Split(','))
            {
                var separator = hostAndPort.LastIndexOf(':');
                yield return (hostAndPort[..separator], int.Parse(hostAndPort[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (SqlServer().Match(value) is { Success: true } sql)
        {
            yield return (sql.Groups["host"].Value, int.Parse(sql.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary><c>name</c>, <c>name.namespace.svc.cluster.local</c> or a StatefulSet member <c>name-N.service</c>.</summary>
    private static void AssertServed(
        Dictionary<string, V1Service> services, Dictionary<string, V1StatefulSet> statefulSets, string host, int port, string usedBy)
    {
        var labels = host.Split('.');
        var serviceName = labels.Length >= 2 && labels[1] != "tunesculptor" ? labels[1] : labels[0];
        Assert.True(services.TryGetValue(serviceName, out var service), $"{usedBy}: no Service '{serviceName}' for {host}:{port}");
        Assert.True(service.Spec.Ports.Any(p => p.Port == port), $"{usedBy}: Service '{serviceName}' has no port {port}");
        if (serviceName != labels[0])
        {
            var member = MemberName().Match(labels[0]);
            Assert.True(member.Success && statefulSets.TryGetValue(member.Groups["set"].Value, out var set)
                        && set.Spec.ServiceName == serviceName && int.Parse(member.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture) < set.Spec.Replicas,
                $"{usedBy}: {host} is not a member of a StatefulSet governed by '{serviceName}'");
        }
    }

    private static string[] Names(IEnumerable<RenderedObject> objects, string kind) =>
        objects.Where(o => o.Kind == kind).Select(o => o.Name).Order(StringComparer.Ordinal).ToArray();

    [GeneratedRegex(@"(?i)pass|secret|pwd|signing|keyfile|token")]
    private static partial Regex SecretLikeName();

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"[a-z]+://(?:[^@/\s]+@)?(?<hosts>[A-Za-z0-9.\-]+:\d+(?:,[A-Za-z0-9.\-]+:\d+)*)")]
    private static partial Regex UrlAuthority();

    [GeneratedRegex(@"Server=(?<host>[^;]+);Port=(?<port>\d+)")]
    private static partial Regex SqlServer();

    [GeneratedRegex(@"^(?<set>.+)-(?<index>\d+)$")]
    private static partial Regex MemberName();
}
