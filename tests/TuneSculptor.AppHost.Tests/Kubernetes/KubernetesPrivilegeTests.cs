using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>
/// Least privilege in every rendering (each overlay, with and without the opt-in components): the services connect
/// as users that are neither root nor administrators and may use only their own database or virtual host; the
/// RabbitMQ management UI is reachable through the ingress only with its component; and the NetworkPolicies let
/// exactly the intended pods reach each server, and the converter nothing but MongoDB, RabbitMQ and DNS.
/// </summary>
public sealed partial class KubernetesPrivilegeTests(PublishedKubernetes published) : IClassFixture<PublishedKubernetes>
{
    private static readonly string[] Services = ["auth", "converter", "gateway", "notification"];

    private static readonly ClusterPod IngressController = ClusterPod.Elsewhere("ingress-nginx", "app.kubernetes.io/name", "ingress-nginx");
    private static readonly ClusterPod KedaOperator = ClusterPod.Elsewhere("keda", "app", "keda-operator");
    private static readonly ClusterPod Dns = ClusterPod.Elsewhere("kube-system", "k8s-app", "kube-dns");
    private static readonly ClusterPod Stranger = ClusterPod.Elsewhere("default", "app", "something-else");

    public static TheoryData<string> Renderings() =>
    [
        PublishedKubernetes.Overlay,
        PublishedKubernetes.KedaOverlay,
        PublishedKubernetes.WithComponents(PublishedKubernetes.Overlay, PublishedKubernetes.ManagementComponent),
        PublishedKubernetes.WithComponents(PublishedKubernetes.KedaOverlay, PublishedKubernetes.ManagementComponent),
    ];

    [Fact]
    public void Every_combination_of_overlay_and_opt_in_component_is_rendered()
    {
        Assert.Equal([PublishedKubernetes.ManagementComponent], published.OptInComponents);
        Assert.Equal(Renderings().Select(r => (string)r.Data).Order(StringComparer.Ordinal), published.Rendered.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Services_connect_to_MariaDB_as_the_app_user_of_their_database(string rendering)
    {
        var objects = published.Rendered[rendering];
        var mariadb = Container(objects, "StatefulSet", "mysql");
        // The image creates MARIADB_USER with every right on MARIADB_DATABASE and none elsewhere.
        var appUser = mariadb.Env.Single(e => e.Name == "MARIADB_USER").Value;
        var database = mariadb.Env.Single(e => e.Name == "MARIADB_DATABASE").Value;

        var connections = ConnectionStrings(objects).Where(c => c.Value.StartsWith("Server=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(connections);
        foreach (var (service, _, value) in connections)
        {
            var settings = value.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(appUser, settings["User ID"]);
            Assert.NotEqual("root", settings["User ID"]);
            Assert.Equal(database, settings["Database"]);
            Assert.Equal(SecretValue(objects, mariadb.Env.Single(e => e.Name == "MARIADB_PASSWORD").ValueFrom.SecretKeyRef), settings["Password"]);
            Assert.NotEqual(SecretValue(objects, mariadb.Env.Single(e => e.Name == "MARIADB_ROOT_PASSWORD").ValueFrom.SecretKeyRef), settings["Password"]);
            TestContext.Current.TestOutputHelper?.WriteLine($"{service}: MariaDB user {settings["User ID"]} on {database}");
        }
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Services_connect_to_MongoDB_as_a_user_that_may_only_read_and_write_their_database(string rendering)
    {
        var objects = published.Rendered[rendering];
        var mongod = Container(objects, "StatefulSet", "mongodb");
        var rootUser = mongod.Env.Single(e => e.Name == "MONGO_INITDB_ROOT_USERNAME").Value;
        var rootPassword = SecretValue(objects, mongod.Env.Single(e => e.Name == "MONGO_INITDB_ROOT_PASSWORD").ValueFrom.SecretKeyRef);
        var init = Container(objects, "Job", "mongodb-init");
        var script = init.Command.Last();

        var connections = ConnectionStrings(objects).Where(c => c.Value.StartsWith("mongodb://", StringComparison.Ordinal)).ToList();
        Assert.Equal(["converter", "gateway", "notification"], connections.Select(c => c.Service).Order(StringComparer.Ordinal));
        foreach (var (service, _, value) in connections)
        {
            var uri = MongoUri().Match(value);
            Assert.True(uri.Success, value);
            var (user, password, database) = (uri.Groups["user"].Value, uri.Groups["password"].Value, uri.Groups["database"].Value);
            Assert.NotEqual(rootUser, user);
            Assert.NotEqual(rootPassword, password);
            Assert.Contains("authSource=admin", uri.Groups["options"].Value, StringComparison.Ordinal);

            // The init Job creates (or brings up to date) exactly this user in admin, with readWrite on the database
            // and no other role, and the password the services read.
            Assert.Contains($"admin.getUser('{user}')", script, StringComparison.Ordinal);
            Assert.Contains($"admin.createUser({{ user: '{user}', ...user }})", script, StringComparison.Ordinal);
            Assert.Contains($"admin.updateUser('{user}', user)", script, StringComparison.Ordinal);
            var roles = Roles().Match(script);
            Assert.True(roles.Success, script);
            Assert.Equal($"{{ role: 'readWrite', db: '{database}' }}", roles.Groups["roles"].Value);
            Assert.Equal(password, SecretValue(objects, init.Env.Single(e => e.Name == "MONGODB_PASSWORD").ValueFrom.SecretKeyRef));
            Assert.Contains("pwd: process.env.MONGODB_PASSWORD", script, StringComparison.Ordinal);
            TestContext.Current.TestOutputHelper?.WriteLine($"{service}: MongoDB user {user}, readWrite on {database}");
        }

        // The root user is the Job's, to log in with; the init script's only user it makes is the app user.
        Assert.Contains($"-u {rootUser} -p $MONGODB_ROOT_PASSWORD", script, StringComparison.Ordinal);
        Assert.Equal(rootPassword, SecretValue(objects, init.Env.Single(e => e.Name == "MONGODB_ROOT_PASSWORD").ValueFrom.SecretKeyRef));
        Assert.Single(CreateUser().Matches(script));
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Services_connect_to_RabbitMQ_as_a_user_without_tags_limited_to_the_apps_virtual_host(string rendering)
    {
        var objects = published.Rendered[rendering];
        var definitions = Definitions(objects);
        var users = definitions.GetProperty("users").EnumerateArray().ToDictionary(u => u.GetProperty("name").GetString()!);
        var permissions = definitions.GetProperty("permissions").EnumerateArray().ToLookup(p => p.GetProperty("user").GetString()!);
        Assert.Equal(["/"], definitions.GetProperty("vhosts").EnumerateArray().Select(v => v.GetProperty("name").GetString()));

        var connections = ConnectionStrings(objects).Where(c => c.Value.StartsWith("amqp://", StringComparison.Ordinal)).ToList();
        Assert.Equal(["converter", "gateway", "notification"], connections.Select(c => c.Service).Order(StringComparer.Ordinal));
        foreach (var (service, _, value) in connections)
        {
            var uri = new Uri(value);
            var (user, password) = (Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]), Uri.UnescapeDataString(uri.UserInfo.Split(':')[1]));
            var vhost = uri.AbsolutePath is "" or "/" ? "/" : Uri.UnescapeDataString(uri.AbsolutePath[1..]);

            Assert.True(users.TryGetValue(user, out var definition), $"{service}: RabbitMQ user {user} is not defined");
            Assert.Empty(definition.GetProperty("tags").EnumerateArray());
            Assert.True(PasswordMatches(definition, password), $"{service}: the password it is given is not {user}'s");
            var granted = Assert.Single(permissions[user]);
            Assert.Equal(vhost, granted.GetProperty("vhost").GetString());
            TestContext.Current.TestOutputHelper?.WriteLine($"{service}: RabbitMQ user {user}, no tags, rights on vhost {vhost} only");
        }

        // Operators have an administrator; KEDA a user that may see queues in the management API and touch nothing.
        Assert.Equal(["administrator"], users["admin"].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["management"], users["keda"].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var keda = Assert.Single(permissions["keda"]);
        Assert.All(new[] { "configure", "write", "read" }, right => Assert.Equal("^$", keda.GetProperty(right).GetString()));
        Assert.Equal(3, users.Count);

        // The broker imports these definitions from the Secret at every boot (so a new password is applied by a restart).
        var broker = objects.Single(o => o is { Kind: "StatefulSet", Name: "rabbitmq" }).As<V1StatefulSet>().Spec.Template.Spec;
        var definitionsVolume = broker.Volumes.Single(v => v.Secret?.SecretName.StartsWith("rabbitmq-definitions-", StringComparison.Ordinal) == true);
        var mount = broker.Containers.Single().VolumeMounts.Single(m => m.Name == definitionsVolume.Name);
        var config = objects.Single(o => o is { Kind: "ConfigMap", Name: "rabbitmq-config" }).As<V1ConfigMap>().Data.Single();
        // Beside them, the consumer timeout (2 h, in ms): above the longest a converter may hold a delivery.
        Assert.Equal($"load_definitions = {mount.MountPath}/definitions.json\nconsumer_timeout = 7200000\n", config.Value);
        Assert.Contains(broker.Containers.Single().VolumeMounts, m => m.MountPath == $"/etc/rabbitmq/conf.d/{config.Key}" && m.SubPath == config.Key);
        Assert.DoesNotContain(broker.Containers.Single().Env ?? [], e => e.Name.StartsWith("RABBITMQ_DEFAULT_", StringComparison.Ordinal));

        // KEDA, where it runs, asks as its own user with its own password.
        if (objects.Any(o => o.Kind == "ScaledObject"))
        {
            var host = new Uri(SecretValue(objects, "rabbitmq-keda", "host"));
            Assert.Equal("keda", host.UserInfo.Split(':')[0]);
            Assert.True(PasswordMatches(users["keda"], host.UserInfo.Split(':')[1]));
        }
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void The_management_UI_is_routed_only_with_its_component(string rendering)
    {
        var objects = published.Rendered[rendering];
        var withComponent = rendering.Contains(PublishedKubernetes.ManagementComponent, StringComparison.Ordinal);
        var routes = objects.Where(o => o.Kind == "Ingress").Select(o => o.As<V1Ingress>())
            .SelectMany(i => i.Spec.Rules.Select(r => (Ingress: i.Metadata.Name, r.Host, Backend: r.Http.Paths.Single().Backend.Service)))
            .ToList();

        Assert.Contains(routes, r => r is { Ingress: "tunesculptor", Host: "mp3converter.com" } && r.Backend.Name == "gateway");
        Assert.Equal(withComponent, routes.Any(r => r.Host == "rabbitmq-manager.com"));
        Assert.Equal(withComponent ? 2 : 1, routes.Count);
        if (withComponent)
        {
            var management = routes.Single(r => r.Host == "rabbitmq-manager.com");
            Assert.Equal(("rabbitmq-management", "rabbitmq", 15672), (management.Ingress, management.Backend.Name, management.Backend.Port.Number!.Value));
        }

        // And the ingress controller reaches the management port exactly when it routes there.
        var traffic = new ClusterTraffic(objects);
        Assert.Equal(withComponent, traffic.Allows(IngressController, traffic.Pod("rabbitmq"), 15672));
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Each_server_admits_exactly_the_pods_that_use_it(string rendering)
    {
        var objects = published.Rendered[rendering];
        var traffic = new ClusterTraffic(objects);
        var keda = objects.Any(o => o.Kind == "ScaledObject");
        var management = rendering.Contains(PublishedKubernetes.ManagementComponent, StringComparison.Ordinal);

        AssertAdmitted(traffic, "mysql", 3306, ["auth"]);
        AssertAdmitted(traffic, "mongodb", 27017, ["converter", "gateway", "mongodb", "mongodb-init", "notification"]);
        AssertAdmitted(traffic, "rabbitmq", 5672, ["converter", "gateway", "notification"]);
        AssertAdmitted(traffic, "rabbitmq", 15672, [.. keda ? new[] { KedaOperator.ToString() } : [], .. management ? new[] { IngressController.ToString() } : []]);
        AssertAdmitted(traffic, "mail", 25, ["notification"]);
        // No other port of a server is open to anyone (probes come from the node, which policies do not govern).
        AssertAdmitted(traffic, "rabbitmq", 25672, []);
        AssertAdmitted(traffic, "mongodb", 27018, []);

        // The policies select the servers' pods and nothing else; the way in stays open.
        Assert.Equal(["mail", "mongodb", "mysql", "rabbitmq"],
            traffic.Pods.Where(p => traffic.Selecting(p, "Ingress").Any()).Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(traffic.Allows(IngressController, traffic.Pod("gateway"), 8080));
        // Everyone else keeps DNS and whatever they reach today.
        Assert.All(traffic.Pods.Where(p => p.Name != "converter"), pod => Assert.Empty(traffic.Selecting(pod, "Egress")));
        Assert.All(traffic.Pods, pod => Assert.True(traffic.MaySend(pod, Dns, 53, "UDP") && traffic.MaySend(pod, Dns, 53, "TCP"), $"{pod} cannot ask DNS"));
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void The_converter_may_connect_to_MongoDB_RabbitMQ_and_DNS_only(string rendering)
    {
        var traffic = new ClusterTraffic(published.Rendered[rendering]);
        var converter = traffic.Pod("converter");
        var destinations = traffic.Pods.Concat([IngressController, KedaOperator, Dns, Stranger]).ToList();
        int[] ports = [53, 25, 80, 443, 3306, 5672, 8080, 15672, 27017];

        var allowed = destinations
            .SelectMany(to => ports.SelectMany(port => new[] { "TCP", "UDP" }.Select(protocol => (to, port, protocol))))
            .Where(c => traffic.MaySend(converter, c.to, c.port, c.protocol))
            .Select(c => $"{c.to}:{c.port}/{c.protocol}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(["kube-system/kube-dns:53/TCP", "kube-system/kube-dns:53/UDP", "tunesculptor/mongodb:27017/TCP", "tunesculptor/rabbitmq:5672/TCP"], allowed);
        // And both ends agree: what it may send, the servers receive.
        Assert.True(traffic.Allows(converter, traffic.Pod("mongodb"), 27017));
        Assert.True(traffic.Allows(converter, traffic.Pod("rabbitmq"), 5672));
    }

    private static void AssertAdmitted(ClusterTraffic traffic, string server, int port, string[] expected)
    {
        var admitted = traffic.Pods.Select(p => (Pod: p, Shown: p.Name))
            .Concat(new[] { IngressController, KedaOperator, Dns, Stranger }.Select(p => (Pod: p, Shown: p.ToString())))
            .Where(p => traffic.MayReceive(p.Pod, traffic.Pod(server), port))
            .Select(p => p.Shown)
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), admitted);
    }

    /// <summary>rabbit_password_hashing_sha256: base64(salt ‖ SHA-256(salt ‖ password)), 4 bytes of salt.</summary>
    private static bool PasswordMatches(JsonElement user, string password)
    {
        Assert.Equal("rabbit_password_hashing_sha256", user.GetProperty("hashing_algorithm").GetString());
        var hash = Convert.FromBase64String(user.GetProperty("password_hash").GetString()!);
        return hash.Length == 36 && SHA256.HashData([.. hash[..4], .. Encoding.UTF8.GetBytes(password)]).SequenceEqual(hash[4..]);
    }

    private static JsonElement Definitions(IReadOnlyList<RenderedObject> objects) =>
        JsonDocument.Parse(SecretValue(objects, "rabbitmq-definitions", "definitions.json")).RootElement;

    private static V1Container Container(IReadOnlyList<RenderedObject> objects, string kind, string name)
    {
        var workload = objects.Single(o => o.Kind == kind && o.Name == name);
        return (kind switch
        {
            "StatefulSet" => workload.As<V1StatefulSet>().Spec.Template.Spec,
            "Job" => workload.As<V1Job>().Spec.Template.Spec,
            _ => workload.As<V1Deployment>().Spec.Template.Spec,
        }).Containers.Single();
    }

    /// <summary>Every <c>ConnectionStrings__*</c> of our services, as the process sees it (secrets and $(VAR) expanded).</summary>
    private static IEnumerable<(string Service, string Name, string Value)> ConnectionStrings(IReadOnlyList<RenderedObject> objects)
    {
        foreach (var service in Services)
        {
            var container = Container(objects, "Deployment", service);
            var configMap = objects.Single(o => o is { Kind: "ConfigMap" } && o.Name == $"{service}-config").As<V1ConfigMap>().Data ?? new Dictionary<string, string>();
            var variables = new Dictionary<string, string>(configMap);
            foreach (var env in container.Env ?? [])
            {
                variables[env.Name] = env.ValueFrom?.SecretKeyRef is { } secret
                    ? SecretValue(objects, secret)
                    : Placeholder().Replace(env.Value, m => variables[m.Groups[1].Value]);
            }

            foreach (var (name, value) in variables.Where(v => v.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)))
            {
                yield return (service, name, value);
            }
        }
    }

    private static string SecretValue(IReadOnlyList<RenderedObject> objects, V1SecretKeySelector reference) =>
        Encoding.UTF8.GetString(objects.Single(o => o.Kind == "Secret" && o.Name == reference.Name).As<V1Secret>().Data[reference.Key]);

    /// <summary>A Secret's value by its name before kustomize's hash suffix.</summary>
    private static string SecretValue(IReadOnlyList<RenderedObject> objects, string name, string key) =>
        Encoding.UTF8.GetString(objects.Single(o => o.Kind == "Secret" && o.Name.StartsWith($"{name}-", StringComparison.Ordinal) && o.Name.Length == name.Length + 11)
            .As<V1Secret>().Data[key]);

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^mongodb://(?<user>[^:@]+):(?<password>[^@]+)@[^/]+/(?<database>[^?]+)\?(?<options>.*)$")]
    private static partial Regex MongoUri();

    [GeneratedRegex(@"roles: \[(?<roles>[^\]]*)\]")]
    private static partial Regex Roles();

    [GeneratedRegex(@"createUser\(")]
    private static partial Regex CreateUser();
}
