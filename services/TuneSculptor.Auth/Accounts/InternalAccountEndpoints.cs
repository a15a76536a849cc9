using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;

namespace TuneSculptor.Auth.Accounts;

/// <summary>
/// Routes for the other services, never forwarded by the gateway (it forwards <c>/login</c> and <c>/register</c> only)
/// and, in Kubernetes, reachable only from the services that reference auth (NetworkPolicies).
/// </summary>
public static class InternalAccountEndpoints
{
    public const string Prefix = "/internal/accounts";

    public static IEndpointRouteBuilder MapInternalAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup(Prefix);
        // The gateway has checked the link's signature and expiry; whether it is the latest mail's is decided here.
        accounts.MapPost("/verifications", async (VerificationRequest request, IUserStore users, CancellationToken cancellationToken) =>
            VerificationNonce.IsWellFormed(request.Nonce)
                ? Results.Ok(new VerificationResult(await users.VerifyAsync(request.AccountId, request.Nonce, cancellationToken)))
                : Results.Ok(new VerificationResult(VerificationOutcomes.Superseded)));

        accounts.MapPost("/{id:guid}/verification-mail", async (
            Guid id, IUserStore users, AccountMails mails, IOptions<VerificationOptions> limits, CancellationToken cancellationToken) =>
        {
            switch (await users.GrantVerificationMailAsync(id, limits.Value, cancellationToken))
            {
                case VerificationMailGrant.Granted(var user, var nonce):
                    await mails.RequestVerificationAsync(user, nonce, cancellationToken);
                    return Results.Ok(new VerificationMailResult(VerificationMailResult.Sent, null));
                case VerificationMailGrant.AlreadyVerified:
                    return Results.Ok(new VerificationMailResult(VerificationMailResult.AlreadyVerified, null));
                case VerificationMailGrant.TooSoon(var wait):
                    return Results.Ok(new VerificationMailResult(VerificationMailResult.TooSoon, (long)Math.Ceiling(wait.TotalSeconds)));
                default:
                    return Results.NotFound();
            }
        });

        // Asked by the notification before it mails an account anything but verification.
        accounts.MapGet("/{id:guid}/address", async (Guid id, IUserStore users, CancellationToken cancellationToken) =>
            await users.FindByIdAsync(id, cancellationToken) is { } user
                ? Results.Ok(new AddressStatus(user.EmailVerified))
                : Results.NotFound());
        return app;
    }
}
