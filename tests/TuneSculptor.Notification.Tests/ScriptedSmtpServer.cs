using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TuneSculptor.Notification.Tests;

/// <summary>
/// A loopback SMTP server that offers AUTH and accepts anything, and records every command it is sent: the test
/// isolates what a client says on the wire (a real server's logs would not tell a probe from a mail).
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _greeting;
    private readonly Task _accepting;

    public ScriptedSmtpServer(string greeting = "220 scripted ESMTP ready")
    {
        _greeting = greeting;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command line received, in order, over all connections.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            using (client)
            {
                await ConverseAsync(client.GetStream());
            }
        }
    }

    private async Task ConverseAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync(_greeting);
        if (!_greeting.StartsWith("220", StringComparison.Ordinal))
        {
            return;
        }

        while (await reader.ReadLineAsync(_stopping.Token) is { } line)
        {
            Commands.Enqueue(line);
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-scripted\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
                    break;
                case "AUTH":
                    await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 2.0.0 OK");
                    break;
            }
        }
    }
}
