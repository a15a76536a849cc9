using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TuneSculptor.System.Tests.Harness;

/// <summary>
/// A loopback TCP relay between a service and the real SMTP server, to fail at an exact moment of a conversation.
/// It passes every byte through unchanged; when armed, it runs an action as a client that sent a mail says <c>QUIT</c>:
/// the server has accepted the mail by then, and the client is still waiting for its answer.
/// </summary>
public sealed class SmtpInterceptor : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<CancellationToken, Task<Uri>> _server;
    private Func<Task>? _onQuit;

    /// <param name="server">Where the real server is (<c>smtp://host:port</c>), asked per connection.</param>
    public SmtpInterceptor(Func<CancellationToken, Task<Uri>> server)
    {
        _server = server;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>The connection string the service should use instead of the real server's.</summary>
    public string ConnectionString => $"smtp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Runs <paramref name="action"/> at the next QUIT after a mail, once, before the QUIT reaches the server.</summary>
    public void ArmOnQuit(Func<Task> action) => Interlocked.Exchange(ref _onQuit, action);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
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

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            var target = await _server(_stopping.Token);
            await server.ConnectAsync(target.Host, target.Port, _stopping.Token);
            var fromClient = client.GetStream();
            var toServer = server.GetStream();
            var down = toServer.CopyToAsync(fromClient, _stopping.Token);
            var up = RelayClientLinesAsync(fromClient, toServer);
            await Task.WhenAny(down, up);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side hung up, or the relay is shutting down: the connection ends like a dropped one.
        }
    }

    /// <summary>Client to server, a line at a time (SMTP commands and mail data both end lines with CRLF).</summary>
    private async Task RelayClientLinesAsync(Stream fromClient, Stream toServer)
    {
        var buffer = new byte[16 * 1024];
        var line = new List<byte>();
        var sentMail = false;
        while (true)
        {
            var read = await fromClient.ReadAsync(buffer, _stopping.Token);
            if (read == 0)
            {
                return;
            }

            for (var i = 0; i < read; i++)
            {
                line.Add(buffer[i]);
                if (buffer[i] != '\n')
                {
                    continue;
                }

                var text = Encoding.ASCII.GetString([.. line]).TrimEnd();
                sentMail |= text.Equals("DATA", StringComparison.OrdinalIgnoreCase) || text.StartsWith("BDAT ", StringComparison.OrdinalIgnoreCase);
                // Only a session that sent a mail: health checks connect and QUIT too.
                if (sentMail && text.Equals("QUIT", StringComparison.OrdinalIgnoreCase) && Interlocked.Exchange(ref _onQuit, null) is { } onQuit)
                {
                    await onQuit();
                }

                await toServer.WriteAsync(line.ToArray(), _stopping.Token);
                line.Clear();
            }

            // A partial line (mail data can be long) goes on at once; only whole lines are looked at.
            if (line.Count > 4096)
            {
                await toServer.WriteAsync(line.ToArray(), _stopping.Token);
                line.Clear();
            }
        }
    }
}
