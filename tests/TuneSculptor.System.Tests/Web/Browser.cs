using Microsoft.Playwright;

namespace TuneSculptor.System.Tests.Web;

/// <summary>
/// Debian's Chromium driven by Playwright's driver (shipped in its NuGet package): the browsers Playwright would
/// download are neither needed nor reachable.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    /// <summary>Another Chromium can be named by <c>TUNESCULPTOR_CHROMIUM</c>.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("TUNESCULPTOR_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where screenshots go: the test results folder, kept by CI as artifacts.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser chromium)
    {
        _playwright = playwright;
        Chromium = chromium;
    }

    public IBrowser Chromium { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var chromium = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Playwright adds --no-sandbox itself (root has no sandbox); these keep Chromium quiet and offline.
                Args = ["--disable-gpu", "--disable-background-networking"],
            });
            return new Browser(playwright, chromium);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh profile (no storage shared with other tests) on the gateway.</summary>
    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress, int width = 1000, int height = 900)
    {
        var context = await Chromium.NewContextAsync(new()
        {
            BaseURL = baseAddress.ToString(),
            AcceptDownloads = true,
            ViewportSize = new() { Width = width, Height = height },
        });
        // What the page said and asked, in the test's output: the first thing to read when a step times out.
        var output = TestContext.Current.TestOutputHelper;
        context.Console += (_, message) => output?.WriteLine($"console {message.Type}: {message.Text}");
        context.RequestFailed += (_, request) => output?.WriteLine($"request failed: {request.Method} {request.Url} {request.Failure}");
        context.Response += (_, response) => output?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {response.Request.Method} {response.Url} {response.Status}");
        return context;
    }

    /// <summary>A full-page screenshot into <see cref="ScreenshotFolder"/>, also attached to the test's results.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        var png = await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.Current.AddAttachment(name, png, "image/png");
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}
