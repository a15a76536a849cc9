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

    /// <summary>The user's stored files would pass their quota: 413, with the quota and what is used, in bytes.</summary>
    public static IResult QuotaExceeded(long quota, long used) =>
        Results.Problem(
            title: "Your storage quota is used up.",
            detail: $"Your files may take {quota} bytes ({quota / (1024.0 * 1024.0):0.#} MiB); {used} bytes are in use or being " +
                    "uploaded. Delete jobs you no longer need, or wait for their files to expire.",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            extensions: new Dictionary<string, object?> { ["quota_bytes"] = quota, ["used_bytes"] = used });

    /// <summary>A limit is reached that lifts with time: 429 with <c>Retry-After</c>.</summary>
    public static IResult TooManyRequests(string detail, TimeSpan retryAfter) =>
        new WithRetryAfter(
            Results.Problem(title: "Too many requests.", detail: detail, statusCode: StatusCodes.Status429TooManyRequests),
            seconds: (int)Math.Ceiling(retryAfter.TotalSeconds));

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
