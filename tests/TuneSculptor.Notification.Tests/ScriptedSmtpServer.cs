using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace TuneSculptor.Notification.Tests;

/// <summary>
/// A loopback SMTP server that offers AUTH and accepts anything, and records every command it is sent and whether it
/// came encrypted: the test isolates what a client says on the wire (a real server's logs would not tell a probe from a
/// mail, nor show what crossed in clear). With a <see cref="Tls"/> certificate it offers STARTTLS, or speaks TLS from
/// the first byte; without, it offers AUTH in clear, as a server (or someone between) that strips STARTTLS would.
/// </summary>
internal sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _greeting;
    private readonly ServerTls? _tls;
    private readonly Task _accepting;

    public ScriptedSmtpServer(string greeting = "220 scripted ESMTP ready", ServerTls? tls = null)
    {
        _greeting = greeting;
        _tls = tls;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every command line received, in order, over all connections.</summary>
    public ConcurrentQueue<SmtpCommand> Received { get; } = new();

    public IEnumerable<string> Commands => Received.Select(command => command.Line);

    /// <summary>The messages received (what followed DATA), over all connections.</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

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
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException
                                           || (ex is InvalidOperationException && _stopping.IsCancellationRequested))
            {
                // Stopped: between one conversation and the next accept, the listener can be stopped already ("Not listening").
                return;
            }

            using (client)
            {
                try
                {
                    await ConverseAsync(client.GetStream());
                }
                catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
                {
                    // The client gave up (e.g. refused our certificate) or the server stops: the transcript says what came.
                }
            }
        }
    }

    private async Task ConverseAsync(Stream stream)
    {
        var encrypted = false;
        if (_tls is { Mode: TlsMode.OnConnect })
        {
            stream = await StartTlsAsync(stream);
            encrypted = true;
        }

        var (reader, writer) = Open(stream);
        await writer.WriteLineAsync(_greeting);
        if (!_greeting.StartsWith("220", StringComparison.Ordinal))
        {
            return;
        }

        while (await reader.ReadLineAsync(_stopping.Token) is { } line)
        {
            Received.Enqueue(new SmtpCommand(line, encrypted));
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    var startTls = _tls is { Mode: TlsMode.StartTls } && !encrypted ? "250-STARTTLS\r\n" : "";
                    await writer.WriteLineAsync($"250-scripted\r\n{startTls}250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
                    break;
                case "STARTTLS" when _tls is { Mode: TlsMode.StartTls } && !encrypted:
                    await writer.WriteLineAsync("220 2.0.0 Ready to start TLS");
                    stream = await StartTlsAsync(stream);
                    encrypted = true;
                    (reader, writer) = Open(stream);
                    break;
                case "AUTH":
                    await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var message = new StringBuilder();
                    while (await reader.ReadLineAsync(_stopping.Token) is { } data && data != ".")
                    {
                        message.AppendLine(data);
                    }

                    Messages.Enqueue(message.ToString());
                    await writer.WriteLineAsync("250 2.0.0 queued");
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

    private async Task<Stream> StartTlsAsync(Stream stream)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _tls!.Certificate }, _stopping.Token);
        return tls;
    }

    private static (StreamReader Reader, StreamWriter Writer) Open(Stream stream) =>
        (new StreamReader(stream, Encoding.ASCII, leaveOpen: true),
         new StreamWriter(stream, Encoding.ASCII, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true });

    internal sealed record SmtpCommand(string Line, bool Encrypted);

    internal enum TlsMode
    {
        StartTls,
        OnConnect,
    }

    internal sealed record ServerTls(X509Certificate2 Certificate, TlsMode Mode);
}
