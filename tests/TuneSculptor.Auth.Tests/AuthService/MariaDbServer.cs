using MySqlConnector;
using TuneSculptor.Testing;

namespace TuneSculptor.Auth.Tests.AuthService;

/// <summary>
/// A MariaDB of the tests' own (TuneSculptor.Hosting's <c>AddMySqlServer</c>, a host process on a free port), shared
/// by the assembly's test classes: each takes a fresh database, so that their accounts and failure counts stay apart.
/// </summary>
public sealed class MariaDbServer : IAsyncLifetime
{
    private SingleServer? _server;

    private SingleServer Server => _server ?? throw new InvalidOperationException("MariaDB did not start.");

    public async ValueTask InitializeAsync() =>
        _server = await SingleServer.StartMySqlAsync("authdb", TestContext.Current.CancellationToken);

    /// <summary>Creates an empty database and returns the connection string that names it.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"auth_{Guid.NewGuid():N}";
        await using (var connection = new MySqlConnection(Server.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new MySqlCommand($"CREATE DATABASE `{name}`", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new MySqlConnectionStringBuilder(Server.ConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
