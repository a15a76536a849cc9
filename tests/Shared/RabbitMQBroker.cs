using Aspire.Hosting.Testing;
using TuneSculptor.Testing;

namespace TuneSculptor.Tests.Shared;

/// <summary>
/// A private RabbitMQ node for the tests: TuneSculptor.Hosting's broker run alone (<see cref="SingleServer"/>: a host
/// process on free ports, data in a temp folder of its own, stopped and deleted on dispose). It can be stopped and
/// started again on the same ports and data, as a broker restart.
/// </summary>
public class RabbitMQBroker : IAsyncLifetime
{
    private SingleServer? _server;

    private SingleServer Server => _server ?? throw new InvalidOperationException("The broker did not start.");

    public string ConnectionString => Server.ConnectionString;

    /// <summary>The management API's base address (its credentials are the connection string's).</summary>
    public Uri ManagementEndpoint => Server.System.App.GetEndpoint("rabbitmq", TuneSculptor.Hosting.RabbitMQ.RabbitMQBrokerBuilderExtensions.ManagementEndpointName);

    public async ValueTask InitializeAsync() => _server = await StartServerAsync(TestContext.Current.CancellationToken);

    /// <summary>Stops the node as the AppHost does (SIGTERM to its launcher, which stops the node and its epmd).</summary>
    public Task StopAsync() => Server.StopAsync(TestContext.Current.CancellationToken);

    /// <summary>Starts the stopped node again and returns once it accepts connections.</summary>
    public Task StartAsync() => Server.StartAsync(TestContext.Current.CancellationToken);

    protected virtual Task<SingleServer> StartServerAsync(CancellationToken cancellationToken) => SingleServer.StartRabbitMQAsync(cancellationToken);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA1816", Justification = "No finalizer here or in the one subclass.")]
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
