using Microsoft.AspNetCore.Identity;
using TuneSculptor.Contracts;

namespace TuneSculptor.Auth.Accounts;

public static class AccountEndpoints
{
    /// <summary>Sent with every 401 from /login, so clients know to answer with Basic credentials.</summary>
    public const string BasicChallenge = "Basic realm=\"TuneSculptor\", charset=\"UTF-8\"";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/register", RegisterAsync);
        app.MapPost("/login", LoginAsync);
        return app;
    }

    private static async Task<IResult> RegisterAsync(
        RegisterRequest request, IUserStore users, IPasswordHasher<User> hasher, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (Credentials.ValidateEmail(request.Email) is { } emailError)
        {
            errors["email"] = [emailError];
        }

        if (Credentials.ValidatePassword(request.Password) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "The account cannot be created as given.");
        }

        var email = request.Email!.Trim();
        var candidate = new User(Guid.CreateVersion7(), email, string.Empty);
        var user = candidate with { PasswordHash = hasher.HashPassword(candidate, request.Password!) };
        return await users.TryCreateAsync(user, cancellationToken)
            ? Results.Json(new RegisteredUser(user.Id, user.Email), statusCode: StatusCodes.Status201Created)
            : Results.Problem(
                title: "This email address already has an account.",
                detail: "Sign in with it, or register another address.",
                statusCode: StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, LoginService logins, CancellationToken cancellationToken)
    {
        if (!Credentials.TryParseBasic(context.Request.Headers.Authorization, out var email, out var password))
        {
            return InvalidCredentials(context);
        }

        var clientAddress = context.Connection.RemoteIpAddress?.ToString();
        switch (await logins.LoginAsync(email, password, clientAddress, cancellationToken))
        {
            case LoginResult.Succeeded(var token):
                // RFC 6749 §5.1: responses carrying tokens are not cached.
                context.Response.Headers.CacheControl = "no-store";
                return Results.Ok(new TokenResponse(token.AccessToken, "Bearer", (long)token.ExpiresIn.TotalSeconds));
            case LoginResult.Throttled(var wait):
                var seconds = (long)Math.Ceiling(wait.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(
                    title: "Too many failed logins.",
                    detail: $"Try again in {seconds} s.",
                    statusCode: StatusCodes.Status429TooManyRequests);
            default:
                return InvalidCredentials(context);
        }
    }

    private static IResult InvalidCredentials(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = BasicChallenge;
        return Results.Problem(
            title: "The email or password is wrong.",
            detail: "Send them with HTTP Basic authentication: the email as user name.",
            statusCode: StatusCodes.Status401Unauthorized);
    }
}
