using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// A TCP listener on 127.0.0.1 that counts who connects to it: where a crafted playlist sends ffmpeg to fetch from.
/// Connections still waiting to be accepted count too, so nothing that reached it goes unseen.
/// </summary>
internal sealed class TcpTripwire : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _accepted;

    public TcpTripwire()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _accepted) + (_listener.Pending() ? 1 : 0);

    public void Dispose() => _listener.Dispose();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _accepted);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Disposed: the test is over.
        }
    }
}

/// <summary>
/// A named pipe where a crafted playlist sends ffmpeg to read a local file: opening it for reading is what
/// completes <see cref="Opened"/> (our end opens for writing, which waits for a reader), so whether anything opened
/// it is certain rather than guessed from timestamps.
/// </summary>
internal sealed class FileTripwire : IAsyncDisposable
{
    private FileTripwire(string path)
    {
        Path = path;
        Opened = Task.Run(() =>
        {
            // Blocks until a reader opens the pipe; then the reader sees an empty file.
            using var writer = new FileStream(path, FileMode.Open, FileAccess.Write);
        });
    }

    public string Path { get; }

    public Task Opened { get; }

    public static FileTripwire Create(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return new FileTripwire(path);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Opened.IsCompleted)
        {
            // Release our writer, still waiting for a reader.
            await using var reader = new FileStream(Path, FileMode.Open, FileAccess.Read);
        }

        await Opened;
    }
}
