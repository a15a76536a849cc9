using System.Security.Claims;

namespace TuneSculptor.Gateway.Auth;

public sealed record CurrentUser(string Id, string Email);

public static class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy();
        // Who the token says the caller is: read from the validated token, without asking auth.
        app.MapGet("/me", (ClaimsPrincipal user) => new CurrentUser(user.FindFirstValue("sub")!, user.FindFirstValue("email")!));
        return app;
    }
}
