namespace TuneSculptor.AppHost;

public static class PublicBaseUrl
{
    /// <summary>
    /// The Kubernetes host name of the gateway (see the runbook); a deployment may set another. Plain HTTP as the
    /// base serves it: the Kubernetes <c>tls</c> component, which the published overlays use, makes it https.
    /// </summary>
    public const string PublishedDefault = "http://mp3converter.com";

    /// <summary>
    /// Tells a service where users reach the gateway (for links in mails): the gateway's own URL in run mode, the
    /// <c>public-base-url</c> parameter (default <see cref="PublishedDefault"/>) when published.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublicBaseUrl(
        this IResourceBuilder<ProjectResource> service, string variable, IResourceBuilder<ProjectResource> gateway)
    {
        if (service.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return service.WithEnvironment(variable, gateway.GetEndpoint("http"));
        }

        var parameter = service.ApplicationBuilder.AddParameter("public-base-url", PublishedDefault, publishValueAsDefault: true);
        return service.WithEnvironment(variable, parameter);
    }
}
