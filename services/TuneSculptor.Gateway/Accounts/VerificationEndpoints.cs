using System.Globalization;
using System.Security.Claims;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Auth;
using TuneSculptor.Gateway.Http;
using TuneSculptor.Links;

namespace TuneSculptor.Gateway.Accounts;

/// <summary>
/// Verifying an address: the mailed link (<c>GET /verify</c>, opened by a browser, no token) and asking for a new
/// mail (<c>POST /verification-mail</c>, signed in). The gateway checks the link's signature and expiry, as it checks
/// download links; auth, which owns accounts, records the verification and decides whether the link is the latest.
/// </summary>
public static class VerificationEndpoints
{
    public static IEndpointRouteBuilder MapVerificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapResourceGroup(VerificationLinks.Path).MapGet("", VerifyAsync)
            .AllowAnonymous()
            .WithName("VerifyEmail")
            .WithTags(ApiTags.Account)
            .WithSummary("The link mailed to a new account's address (account, nonce, expires, sig): verifies it; a page for text/html.")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status410Gone);

        app.MapResourceGroup("/verification-mail").MapPost("", ResendAsync)
            .WithName("ResendVerificationMail")
            .WithTags(ApiTags.Account)
            .WithSummary("Mail the signed-in account's address a new verification link (replacing the earlier ones).")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> VerifyAsync(
        string? account, string? nonce, string? expires, string? sig, VerificationLinks links, AuthAccounts accounts,
        CancellationToken cancellationToken)
    {
        // A nonce is 32 hexadecimal digits; anything longer is not ours, and is not sent on.
        if (!Guid.TryParse(account, out var accountId) || nonce is not { Length: > 0 and <= 64 }
            || !LinkSignature.TryParse(expires, sig, out var signature))
        {
            return VerificationPage.Invalid;
        }

        switch (links.Check(accountId, nonce, signature))
        {
            case LinkVerdict.Invalid:
                return VerificationPage.Invalid;
            case LinkVerdict.Expired:
                return VerificationPage.Expired;
        }

        return await accounts.VerifyAsync(accountId, nonce, cancellationToken) switch
        {
            VerificationOutcomes.Verified => VerificationPage.Verified,
            VerificationOutcomes.AlreadyVerified => VerificationPage.AlreadyVerified,
            _ => VerificationPage.Superseded,
        };
    }

    private static async Task<IResult> ResendAsync(HttpContext context, ClaimsPrincipal user, AuthAccounts accounts, CancellationToken cancellationToken)
    {
        switch (await accounts.RequestVerificationMailAsync(user.GetUserId(), cancellationToken))
        {
            case { Outcome: VerificationMailResult.Sent }:
                return Results.Accepted(value: RegistrationReceived.CheckYourMail);
            case { Outcome: VerificationMailResult.AlreadyVerified }:
                return Results.Problem(
                    title: "This address is verified already.",
                    detail: "Sign in again: the new token lets you convert videos.",
                    statusCode: StatusCodes.Status409Conflict);
            case { Outcome: VerificationMailResult.TooSoon, RetryAfterSeconds: var seconds }:
                var wait = Math.Max(1, seconds ?? 60);
                context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                return Results.Problem(
                    title: "A verification mail was sent recently.",
                    detail: $"Look for it in your mail (and its spam folder), or ask again in {wait} s.",
                    statusCode: StatusCodes.Status429TooManyRequests);
            case null:
                // The token is genuine but its account is gone: as if signed out.
                return Results.Unauthorized();
            case var other:
                throw new InvalidOperationException($"auth answered a verification mail request with '{other.Outcome}'.");
        }
    }
}
