using MongoDB.Driver;
using TuneSculptor.Testing;

namespace TuneSculptor.Tests.Shared;

/// <summary>
/// A MongoDB server for tests that store things: the one named by <c>TUNESCULPTOR_TEST_MONGODB</c> (a connection
/// string) when set, so a real MongoDB can confirm what passes here, else TuneSculptor.Hosting's MongoDB server run
/// alone (<see cref="SingleServer"/>: a <c>mongod</c> on PATH or the repository's stand-in, on a free port, its data
/// deleted on dispose), for as long as the tests run. Each test takes a database of its own.
/// </summary>
public sealed class MongoServer : IAsyncLifetime
{
    private const string ConnectionStringVariable = "TUNESCULPTOR_TEST_MONGODB";

    private SingleServer? _server;
    private MongoClient? _client;

    public string ConnectionString { get; private set; } = string.Empty;

    public IMongoDatabase NewDatabase() =>
        (_client ?? throw new InvalidOperationException("The server is not started.")).GetDatabase($"test-{Guid.NewGuid():N}");

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } given)
        {
            ConnectionString = given;
        }
        else
        {
            _server = await SingleServer.StartMongoDBAsync("media", TestContext.Current.CancellationToken);
            ConnectionString = _server.ConnectionString;
        }

        _client = new MongoClient(ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
