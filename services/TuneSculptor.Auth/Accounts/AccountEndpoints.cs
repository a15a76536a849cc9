using Microsoft.AspNetCore.Identity;
using TuneSculptor.Contracts;

namespace TuneSculptor.Auth.Accounts;

public static partial class AccountEndpoints
{
    /// <summary>Sent with every 401 from /login, so clients know to answer with Basic credentials.</summary>
    public const string BasicChallenge = "Basic realm=\"TuneSculptor\", charset=\"UTF-8\"";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/register", RegisterAsync);
        app.MapPost("/login", LoginAsync);
        return app;
    }

    /// <summary>
    /// Answers 202 "check your mail" for a new address and a taken one alike, after the same work: the password is
    /// hashed, one insert is tried and one mail is queued either way (a verification mail for a new account, a
    /// warning to the owner of a taken address), so neither the answer nor its time tells who has an account.
    /// </summary>
    private static async Task<IResult> RegisterAsync(
        RegisterRequest request, IUserStore users, IPasswordHasher<User> hasher, AccountMails mails, ILoggerFactory loggers,
        CancellationToken cancellationToken)
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
        var nonce = VerificationNonce.New();
        var created = await users.TryCreateAsync(user, nonce, cancellationToken);
        try
        {
            if (created)
            {
                await mails.RequestVerificationAsync(user, nonce, cancellationToken);
            }
            else if (await users.FindByEmailAsync(Credentials.NormalizeEmail(email), cancellationToken) is { } owner)
            {
                await mails.WarnOwnerAsync(owner, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The answer must not differ from a mailed one (it would tell who has an account). A new account's owner
            // can sign in and ask for the mail again; a warning not sent is only a warning.
            LogMailNotQueued(loggers.CreateLogger(typeof(AccountEndpoints)), ex, created ? "verification" : "registration warning");
        }

        return Results.Json(RegistrationReceived.CheckYourMail, statusCode: StatusCodes.Status202Accepted);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "A registration's {Kind} mail could not be queued")]
    private static partial void LogMailNotQueued(ILogger logger, Exception exception, string kind);
}
