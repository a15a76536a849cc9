namespace TuneSculptor.Testing;

/// <summary>
/// A model's resources by role, in model order, read from the model rather than listed: the infrastructure (servers
/// and their databases, whatever hands out a connection string) and the services (the projects).
/// </summary>
public sealed record SystemResources(IReadOnlyList<string> Infrastructure, IReadOnlyList<string> Services)
{
    /// <summary>Every resource that runs or is awaited: parameters are left out.</summary>
    public IReadOnlyList<string> All => [.. Infrastructure, .. Services];

    public static SystemResources Of(IEnumerable<IResource> resources)
    {
        var list = resources.ToList();
        return new(
            list.Where(r => r is IResourceWithConnectionString and not ProjectResource).Select(r => r.Name).ToList(),
            list.OfType<ProjectResource>().Select(r => r.Name).ToList());
    }
}
