using TuneSculptor.Hosting.Runtime;

namespace TuneSculptor.Hosting.Smtp4dev;

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
