using System.Net.Sockets;
using System.Text;
using TuneSculptor.Hosting.Kubernetes;
using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.Smtp4dev;

public static class Smtp4devBuilderExtensions
{
    public const string SmtpEndpointName = "smtp";
    public const string UiEndpointName = "http";

    /// <param name="uiPort">Host port of the web UI; null for any free port.</param>
    public static IResourceBuilder<ISmtp4devResource> AddSmtp4dev(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, int? uiPort = null)
    {
        IResourceBuilder<ISmtp4devResource> server;
        if (builder.UsesContainers())
        {
            server = builder.AddResource(new Smtp4devContainerResource(name))
                .WithInfrastructureImage(Smtp4devImage.Registry, Smtp4devImage.Image, Smtp4devImage.Tag, Smtp4devLocalImage.Image)
                .WithEndpoint(targetPort: Smtp4devImage.SmtpPort, name: SmtpEndpointName)
                .WithHttpEndpoint(port: uiPort, targetPort: Smtp4devImage.UiPort, name: UiEndpointName);
        }
        else
        {
            // The dotnet tool from the repository's tool manifest (`dotnet tool restore`), run from the repository
            // root where that manifest is found; reachable from this machine only.
            var process = builder.AddHostProcess(new Smtp4devProcessResource(name, Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."))));
            process
                .WithArgs("tool", "run", "smtp4dev", "--", "--nousersettings", $"--baseappdatapath={process.Resource.GetDataDirectory()}")
                .WithServerEndpoint(SmtpEndpointName, "ServerOptions__Port")
                .WithServerEndpoint(UiEndpointName, portVariable: null, uiPort, scheme: "http")
                .WithEnvironment("ServerOptions__AllowRemoteConnections", "false");
            server = process.WithEnvironment(
                "ServerOptions__Urls", ReferenceExpression.Create($"http://127.0.0.1:{process.GetEndpoint(UiEndpointName).Property(EndpointProperty.Port)}"));
        }

        foreach (var (setting, value) in Smtp4devImage.ServerSettings)
        {
            server.WithEnvironment(setting, value);
        }

        return server
            .WithIconName("MailInbox")
            .WithConnectionHealthCheck(ReadGreetingAsync)
            .WithHttpHealthCheck("/", endpointName: UiEndpointName)
            .WithKubernetesForm(resource => new Smtp4devKubernetesForm(resource));
    }

    /// <summary>An SMTP server that accepts connections greets with a 220 line.</summary>
    private static async Task ReadGreetingAsync(string connectionString, CancellationToken cancellationToken)
    {
        var uri = new Uri(connectionString);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port, cancellationToken);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var greeting = await reader.ReadLineAsync(cancellationToken);
        if (greeting is null || !greeting.StartsWith("220", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unexpected SMTP greeting: '{greeting}'.");
        }

        await stream.WriteAsync("QUIT\r\n"u8.ToArray(), cancellationToken);
    }
}
