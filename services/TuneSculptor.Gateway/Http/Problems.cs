namespace TuneSculptor.Gateway.Http;

/// <summary>The RFC 9457 answers the gateway's own endpoints give.</summary>
public static class Problems
{
    public static IResult BadRequest(string detail) =>
        Results.Problem(title: "The request is not valid.", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static IResult TooLarge(long limit) =>
        Results.Problem(
            title: "The file is too large.",
            detail: $"Files up to {limit / (1024.0 * 1024.0):0.#} MiB are accepted.",
            statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult NotFound(string what) =>
        Results.Problem(title: $"No such {what}.", detail: $"There is no {what} by that id among yours.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The caller's token says their address is not verified (uploads wait for it).</summary>
    public static IResult AddressNotVerified() =>
        Results.Problem(
            title: "Your email address is not verified yet.",
            detail: "Open the link in the verification mail we sent you (POST /verification-mail sends a new one), then sign in again.",
            statusCode: StatusCodes.Status403Forbidden);

    /// <summary>A dependency is down: worth retrying shortly, and nothing was kept.</summary>
    public static IResult Unavailable(string detail) =>
        new WithRetryAfter(Results.Problem(
            title: "The service is unavailable right now.",
            detail: $"{detail} Nothing was stored; try again shortly.",
            statusCode: StatusCodes.Status503ServiceUnavailable), seconds: 30);

    private sealed class WithRetryAfter(IResult problem, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return problem.ExecuteAsync(httpContext);
        }
    }
}
