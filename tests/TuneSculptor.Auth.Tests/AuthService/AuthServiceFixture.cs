using TuneSculptor.Testing;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Auth.Tests.AuthService;

/// <summary>The auth service in-process on a database of its own, started once for a test class and ready.</summary>
public sealed class AuthServiceFixture(MariaDbServer mariaDb, RabbitMQBroker broker) : IAsyncLifetime
{
    private AuthServiceFactory? _service;

    /// <summary>The connection string of the service's database, to read what it stored.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    private AuthServiceFactory Service => _service ?? throw new InvalidOperationException("auth did not start.");

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await mariaDb.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        _service = new AuthServiceFactory(ConnectionString, broker);
        (await _service.CreateReadyClientAsync(TestContext.Current.CancellationToken)).Dispose();
    }

    /// <summary>A client of the service's own, as the gateway reaches it (disposing it leaves the service running).</summary>
    public HttpClient CreateHttpClient() => Service.CreateClient();

    /// <summary>The <c>/register</c> and <c>/login</c> routes, which auth answers as the gateway forwards them.</summary>
    public GatewayClient CreateClient() => new(CreateHttpClient());

    public RabbitMQBroker Broker => broker;

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }
}
