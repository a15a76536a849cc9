using System.Security.Claims;

namespace TuneSculptor.Gateway.Auth;

public static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy();
        // Who the token says the caller is: read from the validated token, without asking auth.
        app.MapGet("/me", (ClaimsPrincipal user) => user.GetCurrentUser());
        return app;
    }
}
