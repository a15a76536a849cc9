using System.Net;
using Microsoft.Net.Http.Headers;

namespace TuneSculptor.Gateway.Downloads;

/// <summary>
/// The answer to a download link that does not open its file. A browser (one that asks for <c>text/html</c>, as a
/// click on a link in a mail does) gets a small page that says why, with a way to the web page; an API client gets
/// the same as RFC 9457 ProblemDetails. Statuses: 403 a link we did not make (tampered, for another file, malformed),
/// 410 a link of ours whose time is up or whose file its owner deleted, 404 a link of ours whose file is gone otherwise.
/// </summary>
public sealed class DeadLink : IResult
{
    public static readonly DeadLink Invalid = new(
        StatusCodes.Status403Forbidden,
        "This download link is not valid.",
        "It may have been changed or cut short on its way. Open the link from the mail again, or sign in to download the file from your list.");

    public static readonly DeadLink Expired = new(
        StatusCodes.Status410Gone,
        "This download link has expired.",
        "Files and their links are kept for a limited time, and this one's is up. Upload the video again for a new mp3.");

    public static readonly DeadLink Deleted = new(
        StatusCodes.Status410Gone,
        "This file was deleted.",
        "Its owner deleted it, and its links with it.");

    public static readonly DeadLink Missing = new(
        StatusCodes.Status404NotFound,
        "This file is no longer stored.",
        "The link is genuine, but its file cannot be found. Sign in to see your conversions.");

    private DeadLink(int statusCode, string title, string detail)
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
    }

    public int StatusCode { get; }
    public string Title { get; }
    public string Detail { get; }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (!WantsHtml(httpContext.Request))
        {
            return Results.Problem(title: Title, detail: Detail, statusCode: StatusCode).ExecuteAsync(httpContext);
        }

        // The page's Content-Security-Policy applies here too (every answer carries it): styles from the gateway only.
        httpContext.Response.Headers.CacheControl = "no-store";
        return Results.Content(Page(), "text/html; charset=utf-8", statusCode: StatusCode).ExecuteAsync(httpContext);
    }

    /// <summary>text/html asked for by name (not only through <c>*/*</c>), as browsers do when following a link.</summary>
    private static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
            && type.Quality is not 0);

    // Constant text only: nothing from the request is written into the page.
    private string Page() => $"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>{WebUtility.HtmlEncode(Title)} · TuneSculptor</title>
          <link rel="icon" href="data:,">
          <link rel="stylesheet" href="/app.css">
        </head>
        <body>
          <header class="bar"><h1>TuneSculptor</h1></header>
          <main>
            <section class="card">
              <h2>{WebUtility.HtmlEncode(Title)}</h2>
              <p>{WebUtility.HtmlEncode(Detail)}</p>
              <p><a href="/">Go to TuneSculptor</a></p>
            </section>
          </main>
        </body>
        </html>
        """;
}
