using Microsoft.AspNetCore.Http.Metadata;

namespace TuneSculptor.Gateway.Http;

public static class ResourceGroupExtensions
{
    /// <summary>
    /// A route group for one resource (<c>/jobs</c>, <c>/upload</c>…). Its root endpoint, mapped as <c>""</c>, gets
    /// the pattern <c>/jobs/</c> from ASP.NET Core; it keeps the route name <c>/jobs</c> in traces and metrics
    /// (<c>http.route</c>, span names such as <c>POST /upload</c>), as before the API had groups.
    /// </summary>
    public static RouteGroupBuilder MapResourceGroup(this IEndpointRouteBuilder app, string prefix)
    {
        var group = app.MapGroup(prefix);
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { Length: > 1 } pattern } && pattern.EndsWith('/'))
            {
                endpoint.Metadata.Add(new RouteName(pattern.TrimEnd('/')));
            }
        });
        return group;
    }

    private sealed record RouteName(string Route) : IRouteDiagnosticsMetadata;
}
