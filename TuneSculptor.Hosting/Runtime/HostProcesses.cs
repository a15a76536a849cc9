namespace TuneSculptor.Hosting.Runtime;

/// <summary>Plumbing shared by the servers that run as host processes.</summary>
public static class HostProcesses
{
    /// <summary>Where host-process servers keep their data; defaults to <c>$XDG_DATA_HOME/tunesculptor</c>.</summary>
    public const string DataRootKey = "HOST_PROCESSES_DATA_ROOT";

    /// <summary>
    /// Arguments for a run beside any other on this machine (the tests, the benchmark): infrastructure as host
    /// processes, data under <paramref name="dataRoot"/>, and free ports where a developer's run takes fixed ones.
    /// </summary>
    public static string[] IsolatedRunArguments(string dataRoot) =>
    [
        $"--{InfrastructureRuntimeSelection.ConfigurationKey}=host-processes",
        $"--{DataRootKey}={dataRoot}",
        "--GATEWAY_PORT=0",
        "--RABBITMQ_MANAGEMENT_PORT=0",
        "--MAIL_UI_PORT=0",
    ];

    public static string GetHostProcessDataRoot(this IDistributedApplicationBuilder builder)
    {
        if (builder.Configuration[DataRootKey] is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "tunesculptor");
    }

    /// <summary>
    /// The folder of a launcher script, <paramref name="kindFolder"/>/<paramref name="script"/> in the build output
    /// (this library copies its scripts there, and so into whatever references it): the script is run from it.
    /// </summary>
    internal static string GetLauncherDirectory(string kindFolder, string script)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, kindFolder);
        if (!File.Exists(Path.Combine(directory, script)))
        {
            throw new DistributedApplicationException(
                $"The launcher script {kindFolder}/{script} is not in {AppContext.BaseDirectory}: build the project that references TuneSculptor.Hosting again.");
        }

        return directory;
    }

    /// <summary>
    /// Adds a server that runs on the host. It gets a private data folder (in <c>DATA_DIR</c>), wiped at the start of
    /// each run unless <see cref="WithPersistentData{T}"/> keeps it.
    /// </summary>
    public static IResourceBuilder<T> AddHostProcess<T>(this IDistributedApplicationBuilder builder, T resource)
        where T : ExecutableResource
    {
        var data = new HostProcessDataAnnotation(Path.Combine(builder.GetHostProcessDataRoot(), resource.Name));
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            if (!data.Persistent && Directory.Exists(data.Directory))
            {
                Directory.Delete(data.Directory, recursive: true);
            }

            Directory.CreateDirectory(data.Directory);
            return Task.CompletedTask;
        });

        return builder.AddResource(resource)
            .WithAnnotation(data)
            .WithEnvironment("DATA_DIR", data.Directory);
    }

    public static string GetDataDirectory(this ExecutableResource resource) =>
        resource.Annotations.OfType<HostProcessDataAnnotation>().Single().Directory;

    public static IResourceBuilder<T> WithPersistentData<T>(this IResourceBuilder<T> builder) where T : ExecutableResource
    {
        builder.Resource.Annotations.OfType<HostProcessDataAnnotation>().Single().Persistent = true;
        return builder;
    }

    /// <summary>
    /// A TCP endpoint the server itself listens on. Not proxied: DCP's proxy accepts connections before the server
    /// listens, which would make "accepts connections" health checks lie; the port is still allocated by DCP
    /// (unless <paramref name="port"/> fixes it) and handed to the server in <paramref name="portVariable"/>.
    /// </summary>
    public static IResourceBuilder<T> WithServerEndpoint<T>(
        this IResourceBuilder<T> builder, string name, string? portVariable, int? port = null, string scheme = "tcp")
        where T : ExecutableResource
    {
        builder.WithEndpoint(name: name, scheme: scheme, port: port, isProxied: false);
        return portVariable is null
            ? builder
            : builder.WithEnvironment(portVariable, builder.GetEndpoint(name).Property(EndpointProperty.Port));
    }
}
