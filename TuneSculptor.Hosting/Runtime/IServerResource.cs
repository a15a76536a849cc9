namespace TuneSculptor.Hosting.Runtime;

/// <summary>
/// A server resource that is a container or a host process, whichever the infrastructure runtime is. Each kind
/// (MySQL, MongoDB, RabbitMQ, mail) has one interface and two classes, so the AppHost and the services see the same
/// resource name, endpoints and connection string either way.
/// </summary>
public interface IServerResource :
    IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithEnvironment, IResourceWithArgs, IResourceWithWaitSupport
{
}
