namespace TuneSculptor.AppHost;

public static class ServiceExtensions
{
    /// <summary>
    /// Adds one of our services: an HTTP endpoint (on <paramref name="port"/>, or any free port) and readiness taken
    /// from its <c>/health</c>, which checks every dependency it was given.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int? port = null)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name)
            .WithHttpEndpoint(port: port)
            .WithHttpHealthCheck("/health");
}
