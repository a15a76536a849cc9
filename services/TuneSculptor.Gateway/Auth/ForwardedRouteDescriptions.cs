using System.Reflection;
using TuneSculptor.Contracts;
using TuneSculptor.Gateway.Http;

namespace TuneSculptor.Gateway.Auth;

/// <summary>
/// What auth's routes take and answer, put on the endpoints YARP forwards to auth as the same endpoint metadata the
/// gateway's own endpoints carry, so the OpenAPI document describes them alike. The bodies are auth's own types
/// (TuneSculptor.Contracts).
/// </summary>
public static class ForwardedRouteDescriptions
{
    private static readonly Dictionary<string, Action<RouteHandlerBuilder>> Descriptions = new()
    {
        ["login"] = route => route
            .WithName("Login")
            .WithTags(ApiTags.Account)
            .WithSummary("Trade the account's email and password for an access token.")
            .WithMetadata(new BasicCredentials())
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests),
        ["register"] = route => route
            .WithName("Register")
            .WithTags(ApiTags.Account)
            .WithSummary("Create an account: answered alike for a new address and a taken one; what follows is in the mail.")
            .Accepts<RegisterRequest>("application/json")
            .Produces<RegistrationReceived>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests),
    };

    // The API explorer, which the OpenAPI document is made from, lists only endpoints carrying their handler's
    // MethodInfo; a forwarded route has no handler, so it carries this one, and its metadata says the rest.
    private static readonly MethodInfo Handler = typeof(ForwardedRouteDescriptions).GetMethod(nameof(ForwardedToAuth), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Adds the description of the forwarded route <paramref name="routeId"/> to its endpoint.</summary>
    public static void Describe(IEndpointConventionBuilder endpoint, string routeId)
    {
        var describe = Descriptions.GetValueOrDefault(routeId)
            ?? throw new InvalidOperationException($"The route '{routeId}' forwarded to auth has no description for the OpenAPI document.");
        endpoint.WithMetadata(Handler);
        // The builder minimal API handlers get, so the usual Produces<T>/Accepts<T> apply to this endpoint too.
        describe(new RouteHandlerBuilder([endpoint]));
    }

    private static void ForwardedToAuth() => throw new NotSupportedException("YARP forwards this route to auth; it has no handler here.");
}
