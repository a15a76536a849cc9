using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using TuneSculptor.Gateway.Tests.Http;

namespace TuneSculptor.Gateway.Tests.Limits;

/// <summary>
/// The gateway in-process on a real socket (Kestrel on a free loopback port), so that the peer address it sees is
/// the client's own: a client may connect from 127.0.0.1 or from another loopback address (127.0.0.2), which a
/// gateway trusting only 127.0.0.1 as its proxy treats as an ordinary untrusted client.
/// </summary>
public sealed class ListeningGateway : GatewayFactory
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public ListeningGateway(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        UseKestrel(0);
        StartServer();
    }

    /// <summary>Where the gateway listens.</summary>
    public Uri Address => new(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

    /// <summary>A client whose connections come from <paramref name="localAddress"/>.</summary>
    public HttpClient ClientFrom(string localAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = Address,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("urls", "http://127.0.0.1:0");
        foreach (var (name, value) in _settings)
        {
            builder.UseSetting(name, value);
        }
    }
}
