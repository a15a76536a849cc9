using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace TuneSculptor.Messaging.Tests;

/// <summary>
/// A private RabbitMQ node for the tests, run by the same launcher script the AppHost runs as a host process: free
/// ports, data in a temp folder of its own, stopped (with its epmd) and deleted on dispose. It can be stopped and
/// started again on the same ports and data, as a broker restart.
/// </summary>
/// <remarks>Self-contained on purpose: it is meant to give way to the shared hosting library's broker later.</remarks>
public sealed class RabbitMQBroker : IAsyncLifetime
{
    /// <summary>The launcher, from the repository root: the one place that names it.</summary>
    private const string LauncherScript = "TuneSculptor.Hosting/RabbitMQ/rabbitmq.sh";

    private const string User = "tests";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tunesculptor-rabbitmq-");
    private readonly int[] _ports = FreePorts(4); // AMQP, management, Erlang distribution, epmd
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _launcher;

    public string ConnectionString => $"amqp://{User}:{_password}@127.0.0.1:{_ports[0]}";

    public ValueTask InitializeAsync() => new(StartAsync());

    /// <summary>Starts the node and returns once it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (_launcher is not null)
        {
            throw new InvalidOperationException("The broker is running already.");
        }

        var startInfo = new ProcessStartInfo("bash", [FindLauncher()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["DATA_DIR"] = _data.FullName,
                ["AMQP_PORT"] = Port(0),
                ["MANAGEMENT_PORT"] = Port(1),
                ["DIST_PORT"] = Port(2),
                ["EPMD_PORT"] = Port(3),
                ["RABBITMQ_USER"] = User,
                ["RABBITMQ_PASSWORD_HASH"] = HashPassword(_password),
            },
        };
        _launcher = Process.Start(startInfo) ?? throw new InvalidOperationException("bash could not be started.");
        _launcher.OutputDataReceived += (_, line) => Keep(line.Data);
        _launcher.ErrorDataReceived += (_, line) => Keep(line.Data);
        _launcher.BeginOutputReadLine();
        _launcher.BeginErrorReadLine();
        await WaitUntilConnectableAsync(_launcher);
    }

    /// <summary>Stops the node as the AppHost does (SIGTERM to the launcher, which stops the node and its epmd).</summary>
    public async Task StopAsync()
    {
        if (_launcher is not { } launcher)
        {
            return;
        }

        _launcher = null;
        using (launcher)
        {
            if (!launcher.HasExited)
            {
                using var signal = Process.Start("kill", ["-TERM", launcher.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await signal.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await launcher.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                launcher.Kill(entireProcessTree: true);
                throw new TimeoutException($"The broker did not stop within {StopTimeout.TotalSeconds} s of SIGTERM and was killed.\n{Output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            _data.Delete(recursive: true);
        }
    }

    private string Output => string.Join('\n', _output);

    private string Port(int index) => _ports[index].ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
            // Only the latest lines matter when the node fails to start.
        }
    }

    private async Task WaitUntilConnectableAsync(Process launcher)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(ConnectionString),
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (launcher.HasExited)
            {
                throw new InvalidOperationException($"The broker exited with {launcher.ExitCode} while starting.\n{Output}");
            }

            try
            {
                await using var connection = await factory.CreateConnectionAsync("tests-readiness");
                await connection.CloseAsync();
                return;
            }
            catch (BrokerUnreachableException) when (DateTime.UtcNow < deadline)
            {
                // The port opens a few seconds after the start, and the user exists once definitions are imported.
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
            catch (BrokerUnreachableException ex)
            {
                throw new TimeoutException($"The broker did not accept connections within {StartTimeout.TotalSeconds} s.\n{Output}", ex);
            }
        }
    }

    private static string FindLauncher()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var launcher = Path.Combine(directory.FullName, LauncherScript);
            if (File.Exists(launcher))
            {
                return launcher;
            }
        }

        throw new FileNotFoundException($"{LauncherScript} not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Ports free now, all different: each is held until all are found.</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }

    /// <summary>RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64(salt ‖ SHA-256(salt ‖ password)), 4-byte salt.</summary>
    private static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        return Convert.ToBase64String([.. salt, .. SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)])]);
    }
}
