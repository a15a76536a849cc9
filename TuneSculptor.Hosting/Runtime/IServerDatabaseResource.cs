namespace TuneSculptor.Hosting.Runtime;

/// <summary>
/// A database on one of the servers: a resource of its own (services reference and wait for it), whose connection
/// string is its server's with <see cref="DatabaseName"/> chosen.
/// </summary>
public interface IServerDatabaseResource : IResourceWithParent, IResourceWithConnectionString
{
    /// <summary>The database's name on the server (the resource's name unless one was given).</summary>
    string DatabaseName { get; }
}
