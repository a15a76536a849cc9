using System.Security.Claims;
using TuneSculptor.Gateway.Http;

namespace TuneSculptor.Gateway.Auth;

public static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy().ConfigureEndpoints((endpoint, route) => ForwardedRouteDescriptions.Describe(endpoint, route.RouteId));
        // Who the token says the caller is: read from the validated token, without asking auth.
        app.MapGet("/me", (ClaimsPrincipal user) => user.GetCurrentUser())
            .WithName("GetMe")
            .WithTags(ApiTags.Account)
            .WithSummary("Who the token says the caller is.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }
}
