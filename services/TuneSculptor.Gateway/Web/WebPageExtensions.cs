namespace TuneSculptor.Gateway.Web;

/// <summary>The web page at <c>/</c>: static files from wwwroot, on top of the same HTTP API curl uses.</summary>
public static class WebPageExtensions
{
    // Scripts and styles only from the gateway itself, none inline: an injected tag can neither run nor load
    // anything, which is what keeps the token in sessionStorage out of reach of XSS. No framing (clickjacking).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Security headers on every answer, then the page's files, served before authentication so that anyone can
    /// load the page (the API behind it still requires a token).
    /// </summary>
    public static WebApplication UseWebPage(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Revalidated on each load (ETag), so a new release is picked up at once.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
