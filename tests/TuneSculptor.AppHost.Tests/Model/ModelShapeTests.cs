using System.Text.RegularExpressions;
using TuneSculptor.Hosting.MongoDB;
using TuneSculptor.Hosting.MySql;
using TuneSculptor.Hosting.RabbitMQ;
using TuneSculptor.Hosting.Smtp4dev;
using TuneSculptor.Testing;

namespace TuneSculptor.AppHost.Tests.Model;

/// <summary>The AppHost's model as each runtime builds it (nothing is started).</summary>
public sealed partial class ModelShapeTests
{
    private static readonly string[] Servers = ["mysql", "mongodb", "rabbitmq", "mail"];

    [Fact]
    public async Task With_containers_each_server_is_its_official_image_pinned_in_full_with_a_data_volume()
    {
        var resources = await BuildModelAsync("--INFRASTRUCTURE_RUNTIME=containers", "--INFRASTRUCTURE_IMAGES=official");

        Assert.Equal("mariadb:10.11.19", Image(resources["mysql"]));
        Assert.Equal("mongo:8.0.29", Image(resources["mongodb"]));
        Assert.Equal("rabbitmq:4.3.5-management", Image(resources["rabbitmq"]));
        Assert.Equal("smtp4dev:3.15.0", Image(resources["mail"]));
        foreach (var server in new[] { "mysql", "mongodb", "rabbitmq" })
        {
            Assert.Contains(resources[server].Annotations.OfType<ContainerMountAnnotation>(), m => m.Type == ContainerMountType.Volume);
        }

        Assert.DoesNotContain(resources.Values, r => r is ExecutableResource && Servers.Contains(r.Name));
    }

    [Fact]
    public async Task With_local_images_each_server_is_the_image_eng_images_builds_and_mongodb_has_no_credentials()
    {
        using var commands = new FakeCommands();
        // An engine named podman that answers (the model is only built: nothing is pulled, built or started).
        var podman = commands.Add("podman", "exit 0");

        var resources = await BuildModelAsync(
            "--INFRASTRUCTURE_RUNTIME=containers", "--INFRASTRUCTURE_IMAGES=local", $"--ASPIRE_CONTAINER_RUNTIME={podman}");

        foreach (var (server, kind) in new[] { ("mysql", "mariadb"), ("mongodb", "mongo-standin"), ("rabbitmq", "rabbitmq"), ("mail", "smtp4dev") })
        {
            var image = resources[server].Annotations.OfType<ContainerImageAnnotation>().Single();
            var built = File.ReadAllText(Repository.PathTo($"eng/images/{kind}/image")).Trim();
            Assert.Equal(built, $"{image.Registry}/{image.Image}:{image.Tag}");
        }

        var mongodb = Assert.IsType<MongoDBServerContainerResource>(resources["mongodb"]);
        Assert.Null(mongodb.PasswordParameter);
        Assert.DoesNotContain("@", ((IResourceWithConnectionString)mongodb).ConnectionStringExpression.ValueExpression);
        Assert.DoesNotContain(resources["mongodb"].Annotations.OfType<EnvironmentCallbackAnnotation>(), _ => true);
    }

    [Fact]
    public async Task With_host_processes_each_server_is_an_executable_with_the_same_name()
    {
        var resources = await BuildModelAsync("--INFRASTRUCTURE_RUNTIME=host-processes");

        Assert.All(Servers, name => Assert.IsAssignableFrom<ExecutableResource>(resources[name]));
        Assert.DoesNotContain(resources.Values, r => r.IsContainer());
        Assert.IsType<MySqlServerProcessResource>(resources["mysql"]);
        Assert.IsType<MongoDBServerProcessResource>(resources["mongodb"]);
        Assert.IsType<RabbitMQBrokerProcessResource>(resources["rabbitmq"]);
        Assert.IsType<Smtp4devProcessResource>(resources["mail"]);
    }

    [Fact]
    public async Task The_mysql_container_runs_the_MariaDB_line_the_host_processes_and_the_tests_run()
    {
        var resources = await BuildModelAsync("--INFRASTRUCTURE_RUNTIME=containers", "--INFRASTRUCTURE_IMAGES=official");
        var hostVersion = await Repository.RunAsync("mariadbd", ["--version"], TestContext.Current.CancellationToken);

        // e.g. "mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu": the 10.11 line, whatever the patch.
        var line = MariaDbLine().Match(hostVersion);
        Assert.True(line.Success, $"Not a MariaDB version: {hostVersion}");
        Assert.StartsWith($"mariadb:{line.Groups["line"].Value}.", Image(resources["mysql"]));
    }

    [Fact]
    public async Task Auto_picks_host_processes_when_the_container_runtime_does_not_answer()
    {
        using var commands = new FakeCommands();
        var runtime = commands.Add("docker", "echo 'Cannot connect to the Docker daemon' >&2\nexit 1");

        var resources = await BuildModelAsync("--INFRASTRUCTURE_RUNTIME=auto", $"--ASPIRE_CONTAINER_RUNTIME={runtime}");

        Assert.All(Servers, name => Assert.IsAssignableFrom<ExecutableResource>(resources[name]));
    }

    [Theory]
    [InlineData("containers")]
    [InlineData("host-processes")]
    public async Task Both_runtimes_wire_the_services_to_the_same_resources(string runtime)
    {
        // The official images: the wiring does not depend on where images come from, and nothing is pulled.
        var resources = await BuildModelAsync($"--INFRASTRUCTURE_RUNTIME={runtime}", "--INFRASTRUCTURE_IMAGES=official");

        Assert.Equal(["auth-signing-key", "authdb", "rabbitmq"], References(resources["auth"]));
        Assert.Equal(["auth", "link-signing-key", "media", "rabbitmq"], References(resources["gateway"]));
        Assert.Equal(["media", "rabbitmq"], References(resources["converter"]));
        Assert.Equal(["auth", "gateway", "link-signing-key", "mail", "media", "rabbitmq"], References(resources["notification"]));
        Assert.IsType<MySqlServerDatabaseResource>(resources["authdb"]);
        Assert.IsType<MongoDBServerDatabaseResource>(resources["media"]);
    }

    [Fact]
    public async Task The_consumers_of_queues_have_the_dead_letter_redrive_commands_in_run_mode()
    {
        var resources = await BuildModelAsync("--INFRASTRUCTURE_RUNTIME=host-processes");

        string[] redrive = [DeadLetterRedriveCommands.RedriveAll, DeadLetterRedriveCommands.RedriveJob];
        Assert.Equal(redrive, RedriveCommands(resources["converter"]));
        Assert.Equal(redrive, RedriveCommands(resources["notification"]));
        Assert.Empty(RedriveCommands(resources["gateway"]));
        Assert.Empty(RedriveCommands(resources["auth"]));
        // The job's command asks for the job; the other asks for nothing, so it runs with a click (or from a test).
        var commands = resources["notification"].Annotations.OfType<ResourceCommandAnnotation>().ToDictionary(command => command.Name);
        Assert.Empty(commands[DeadLetterRedriveCommands.RedriveAll].Arguments ?? []);
        Assert.Equal([DeadLetterRedriveCommands.JobIdArgument], commands[DeadLetterRedriveCommands.RedriveJob].Arguments!.Select(argument => argument.Name));
    }

    private static string[] RedriveCommands(IResource resource) =>
        [.. resource.Annotations.OfType<ResourceCommandAnnotation>().Select(command => command.Name).Where(name => name.StartsWith("redrive-", StringComparison.Ordinal)).Order()];

    private static async Task<Dictionary<string, IResource>> BuildModelAsync(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TuneSculptor_AppHost>(
            args, (options, _) => options.DisableDashboard = true, TestContext.Current.CancellationToken);
        return builder.Resources.ToDictionary(r => r.Name);
    }

    [GeneratedRegex(@"Ver (?<line>\d+\.\d+)\.\d+-MariaDB")]
    private static partial Regex MariaDbLine();

    private static string Image(IResource resource)
    {
        var image = resource.Annotations.OfType<ContainerImageAnnotation>().Single();
        return $"{image.Image.Split('/').Last()}:{image.Tag}";
    }

    /// <summary>Resources a service takes a connection string or service-discovery entry from, in name order.</summary>
    private static string[] References(IResource service) =>
        service.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference")
            .Select(r => r.Resource.Name)
            .Distinct()
            .Order()
            .ToArray();
}
