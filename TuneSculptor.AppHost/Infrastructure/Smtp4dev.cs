using System.Net.Sockets;
using System.Text;
using Aspire.Hosting.ApplicationModel;

namespace TuneSculptor.AppHost.Infrastructure;

/// <summary>
/// smtp4dev, a development SMTP server that keeps every mail and shows it in a web UI: the official container, or
/// the dotnet tool. Its connection string is <c>smtp://host:port</c>.
/// </summary>
public interface ISmtp4devResource : IServerResource
{
    EndpointReference SmtpEndpoint => new(this, Smtp4devBuilderExtensions.SmtpEndpointName);

    ReferenceExpression IResourceWithConnectionString.ConnectionStringExpression =>
        ReferenceExpression.Create($"smtp://{SmtpEndpoint.Property(EndpointProperty.HostAndPort)}");
}

public sealed class Smtp4devContainerResource(string name) : ContainerResource(name), ISmtp4devResource;

public sealed class Smtp4devProcessResource(string name, string workingDirectory)
    : ExecutableResource(name, "dotnet", workingDirectory), ISmtp4devResource;

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
                .WithImage("rnwood/smtp4dev", "3.15.0")
                .WithImageRegistry("docker.io")
                .WithEndpoint(targetPort: 25, name: SmtpEndpointName)
                .WithHttpEndpoint(port: uiPort, targetPort: 80, name: UiEndpointName);
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

        // Mail lives in memory only, and IMAP/POP3 are off: the web UI and its API are how mail is read.
        server
            .WithEnvironment("ServerOptions__Database", "")
            .WithEnvironment("ServerOptions__ImapPort", "")
            .WithEnvironment("ServerOptions__Pop3Port", "")
            .WithEnvironment("ServerOptions__NumberOfMessagesToKeep", "1000");

        return server
            .WithIconName("MailInbox")
            .WithConnectionHealthCheck(ReadGreetingAsync)
            .WithHttpHealthCheck("/", endpointName: UiEndpointName);
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
