using System.Diagnostics;
using MongoDB.Driver;

namespace TuneSculptor.Tests.Shared;

/// <summary>
/// A MongoDB server for tests that store things: the one named by <c>TUNESCULPTOR_TEST_MONGODB</c> (a connection
/// string) when set, so a real MongoDB can confirm what passes here, else the repository's stand-in
/// (<c>tools/mongo-standin</c>, installed by <c>eng/bootstrap.sh test</c>) on a free port, for as long as the tests
/// run. Each test takes a database of its own.
/// </summary>
public sealed class MongoServer : IAsyncLifetime
{
    private const string ConnectionStringVariable = "TUNESCULPTOR_TEST_MONGODB";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private Process? _standIn;
    private MongoClient? _client;

    public string ConnectionString { get; private set; } = string.Empty;

    public IMongoDatabase NewDatabase() =>
        (_client ?? throw new InvalidOperationException("The server is not started.")).GetDatabase($"test-{Guid.NewGuid():N}");

    public async ValueTask InitializeAsync()
    {
        ConnectionString = Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } given
            ? given
            : await StartStandInAsync();
        _client = new MongoClient(ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_standIn is not null)
        {
            // It keeps its data in memory: nothing to save, nothing left behind.
            _standIn.Kill(entireProcessTree: true);
            await _standIn.WaitForExitAsync();
            _standIn.Dispose();
        }
    }

    private async Task<string> StartStandInAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "tools", "mongo-standin", "server.mjs");
        var startInfo = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, "--port", "0", "--host", "127.0.0.1" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _standIn = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start.");
        var errors = _standIn.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        // "mongo-standin listening on 127.0.0.1:PORT (in memory)" once it accepts connections.
        while (await _standIn.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            const string listening = "mongo-standin listening on ";
            if (line.StartsWith(listening, StringComparison.Ordinal))
            {
                var address = line[listening.Length..].Split(' ')[0];
                // Its output must keep being read, or a full pipe would stall it.
                _ = _standIn.StandardOutput.ReadToEndAsync();
                return $"mongodb://{address}/?directConnection=true&serverMonitoringMode=poll";
            }
        }

        await _standIn.WaitForExitAsync();
        throw new InvalidOperationException($"The MongoDB stand-in exited ({_standIn.ExitCode}) before listening: {await errors}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TuneSculptor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("TuneSculptor.sln not found above the test's folder.");
    }
}
