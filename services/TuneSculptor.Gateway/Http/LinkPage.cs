using System.Net;
using Microsoft.Net.Http.Headers;

namespace TuneSculptor.Gateway.Http;

/// <summary>
/// The answer to a link opened from a mail when it has no file to give (a dead download link, a verification link).
/// A browser (one that asks for <c>text/html</c>, as a click on a link in a mail does) gets a small page that says
/// what happened, with a way to the web page; an API client gets the same as JSON: RFC 9457 ProblemDetails for an
/// error status, <c>{"status", "title", "detail"}</c> for a success.
/// </summary>
public sealed class LinkPage(int statusCode, string title, string detail) : IResult
{
    public int StatusCode { get; } = statusCode;
    public string Title { get; } = title;
    public string Detail { get; } = detail;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (!WantsHtml(httpContext.Request))
        {
            return (StatusCode < 400
                ? Results.Json(new { status = StatusCode, title = Title, detail = Detail }, statusCode: StatusCode)
                : Results.Problem(title: Title, detail: Detail, statusCode: StatusCode)).ExecuteAsync(httpContext);
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
