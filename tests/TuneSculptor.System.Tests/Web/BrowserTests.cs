using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Web;

/// <summary>
/// The web page at the gateway's <c>/</c>, in a real browser against the whole system: what a person does, from
/// creating an account to saving the mp3, with no reload in between.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class BrowserTests(SystemFixture fixture) : IAsyncLifetime
{
    private const string Password = GatewayClient.Password;
    private static readonly float JobTimeoutMs = 90_000;

    private readonly Uri _gateway = fixture.System.GetHttpEndpoint("gateway");
    private readonly MediaSamples _media = new();
    private Browser? _browser;

    private Browser Browser => _browser ?? throw new InvalidOperationException("The browser did not start.");

    public async ValueTask InitializeAsync() => _browser = await Browser.LaunchAsync();

    [Fact]
    public async Task A_person_signs_up_uploads_sees_the_job_finish_live_and_downloads_the_mp3()
    {
        var video = await _media.VideoAsync("mp4");
        var source = await MediaSamples.ProbeAsync(video);
        await using var context = await Browser.NewContextAsync(_gateway);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        var headers = await response.AllHeadersAsync();
        Assert.Contains("script-src 'self'", headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);

        // Registering says "check your mail"; signing in before verifying shows the banner instead of the upload.
        var email = GatewayClient.UniqueEmail("browser");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.Locator("#sign-in-message")).ToContainTextAsync("Check your mail");
        await page.FillAsync("#password", Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectSignedInAsync(page, email);
        await Expect(page.Locator("#verify-banner")).ToBeVisibleAsync();
        await Expect(page.Locator("#upload-section")).ToBeHiddenAsync();
        await Browser.ScreenshotAsync(page, "web-page-unverified");

        // The mailed link, opened in the browser, says the address is verified and leads back to the page.
        using (var gateway = new GatewayClient(_gateway, mail: fixture.System.GetHttpEndpoint("mail")))
        {
            var link = await gateway.VerificationLinkAsync(email, TestContext.Current.CancellationToken);
            var verified = await page.GotoAsync(link);
            Assert.Equal(200, verified!.Status);
            await Expect(page.Locator("h2")).ToHaveTextAsync("Your address is verified.");
            await page.GetByRole(AriaRole.Link, new() { Name = "Go to TuneSculptor" }).ClickAsync();
        }

        // The old token still says unverified: signing in again brings the upload.
        await ExpectSignedInAsync(page, email);
        await Expect(page.Locator("#verify-banner")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectSignedInAsync(page, email);
        await Expect(page.Locator("#verify-banner")).ToBeHiddenAsync();
        await Expect(page.Locator("#upload-section")).ToBeVisibleAsync();

        // The token outlives a reload; signing out forgets it; signing in brings the page back.
        await page.ReloadAsync();
        await ExpectSignedInAsync(page, email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('tunesculptor.token')"));
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectSignedInAsync(page, email);

        // Whatever happens next must happen in this document: a reload would clear the mark.
        await page.EvaluateAsync("() => { window.sameDocument = true; }");
        await page.Locator("#file").SetInputFilesAsync(video);
        await Expect(page.Locator("#upload-percent")).ToHaveTextAsync("100 %");
        await Expect(page.Locator("#upload-progress")).ToHaveJSPropertyAsync("value", 100);
        await Expect(page.Locator("#upload-message")).ToContainTextAsync("queued for conversion");

        var job = page.Locator("li.job", new() { HasText = "sample.mp4" });
        await Expect(job.Locator(".job-status")).ToHaveTextAsync("done", new() { Timeout = JobTimeoutMs });
        await Expect(job.Locator(".job-detail")).ToContainTextAsync("mp3 of 0:05");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
        await Browser.ScreenshotAsync(page, "web-page-done");

        var download = await page.RunAndWaitForDownloadAsync(() =>
            job.GetByRole(AriaRole.Button, new() { Name = "Download the mp3 of sample.mp4" }).ClickAsync());
        Assert.Equal("sample.mp3", download.SuggestedFilename);
        var mp3 = _media.PathFor("downloaded.mp3");
        await download.SaveAsAsync(mp3);
        var probe = await MediaSamples.ProbeAsync(mp3);
        Assert.Equal("mp3", probe.FormatName);
        Assert.InRange(probe.DurationSeconds, source.DurationSeconds * 0.98, source.DurationSeconds * 1.02);
    }

    [Fact]
    public async Task A_file_that_is_not_a_video_fails_with_its_reason_and_a_refused_upload_says_why()
    {
        await using var context = await Browser.NewContextAsync(_gateway);
        var page = await context.NewPageAsync();
        await SignUpAsync(page);

        // Refused at once: the ProblemDetails' words, not a status code.
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "empty.mp4", MimeType = "video/mp4", Buffer = [] });
        await Expect(page.Locator("#upload-message")).ToContainTextAsync("empty");
        await Browser.ScreenshotAsync(page, "web-page-refused");
        await page.Locator("#file").SetInputFilesAsync(new FilePayload
        {
            Name = "huge.mp4",
            MimeType = "video/mp4",
            Buffer = new byte[SystemFixture.MaxUploadSize + 1],
        });
        await Expect(page.Locator("#upload-message")).ToContainTextAsync("too large");

        // Dropped this time, accepted, then failed by the converter; the name is shown as text, never run as markup.
        const string hostileName = "<img src=x onerror=window.injected=1>notes.txt";
        await page.EvaluateAsync(
            """
            ([name, text]) => {
              const files = new DataTransfer();
              files.items.add(new File([text], name, { type: "text/plain" }));
              const zone = document.getElementById("drop-zone");
              zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: files, bubbles: true, cancelable: true }));
              zone.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true, cancelable: true }));
            }
            """,
            new[] { hostileName, "These are notes, not a video.\n" });
        var job = page.Locator("li.job", new() { HasText = "notes.txt" });
        await Expect(job.Locator(".job-status")).ToHaveTextAsync("failed", new() { Timeout = JobTimeoutMs });
        await Expect(job.Locator(".job-name")).ToHaveTextAsync(hostileName);
        await Expect(job.Locator(".job-detail")).Not.ToBeEmptyAsync();
        await Expect(job.Locator(".job-download")).ToBeHiddenAsync();
        Assert.Equal(0, await page.Locator("#jobs img").CountAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.injected === 1"), "the file name ran as markup");
        TestContext.Current.TestOutputHelper?.WriteLine($"failure shown: {await job.Locator(".job-detail").TextContentAsync()}");
        await Browser.ScreenshotAsync(page, "web-page-failed");
    }

    [Fact]
    public async Task The_mailed_link_downloads_in_a_browser_never_signed_in_and_after_a_delete_on_the_page_says_the_file_is_gone()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var gateway = new GatewayClient(_gateway, mail: fixture.System.GetHttpEndpoint("mail"));
        using var mailBox = new MailBox(fixture.System.GetHttpEndpoint("mail"));
        var (email, token) = await gateway.SignUpAsync(cancellation);
        await gateway.UploadForJobAsync(token, await _media.VideoAsync("mp4"), cancellation);
        var mail = await mailBox.WaitForMailAsync(email, TimeSpan.FromMilliseconds(JobTimeoutMs), cancellation);
        var link = mail.DownloadLink ?? throw new InvalidOperationException($"No download link in the mail:\n{mail.Text}");

        // Another device: a fresh profile that never signed in opens the mail, as smtp4dev shows it, and clicks the link.
        await using (var reader = await Browser.NewContextAsync(_gateway))
        {
            var page = await reader.NewPageAsync();
            await page.SetContentAsync(mail.Html);
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("a[href*='/download?']").ClickAsync());
            Assert.Equal("sample.mp3", download.SuggestedFilename);
            var mp3 = _media.PathFor("clicked-in-the-mail.mp3");
            await download.SaveAsAsync(mp3);
            Assert.Equal("mp3", (await MediaSamples.ProbeAsync(mp3)).FormatName);
        }

        // The owner deletes it on the page, confirming when asked.
        await using (var owner = await Browser.NewContextAsync(_gateway))
        {
            var page = await owner.NewPageAsync();
            await page.GotoAsync("/");
            await page.FillAsync("#email", email);
            await page.FillAsync("#password", Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await ExpectSignedInAsync(page, email);
            var job = page.Locator("li.job", new() { HasText = "sample.mp4" });
            await Expect(job.Locator(".job-status")).ToHaveTextAsync("done");
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
            await job.GetByRole(AriaRole.Button, new() { Name = "Delete sample.mp4 and its mp3" }).ClickAsync();
            await Expect(job.Locator(".job-status")).ToHaveTextAsync("deleted");
            await Expect(job.Locator(".job-download")).ToBeHiddenAsync();
        }

        // The link from the mail now opens a page that says so, with the way to the web page.
        await using (var reader = await Browser.NewContextAsync(_gateway))
        {
            var page = await reader.NewPageAsync();
            var response = await page.GotoAsync(link);
            Assert.NotNull(response);
            Assert.Equal(410, response.Status);
            await Expect(page.Locator("h2")).ToHaveTextAsync("This file was deleted.");
            await Browser.ScreenshotAsync(page, "dead-link");
            await page.GetByRole(AriaRole.Link, new() { Name = "Go to TuneSculptor" }).ClickAsync();
            await Expect(page.Locator("#sign-in-form")).ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task A_converting_job_shows_a_bar_that_fills_and_goes_away_when_done()
    {
        var video = await _media.LongVideoAsync();
        await using var context = await Browser.NewContextAsync(_gateway);
        var page = await context.NewPageAsync();
        await SignUpAsync(page);

        await page.Locator("#file").SetInputFilesAsync(video);

        var job = page.Locator("li.job", new() { HasText = Path.GetFileName(video) });
        var bar = job.Locator("progress.job-progress");
        await Expect(job.Locator(".job-status")).ToHaveTextAsync("converting", new() { Timeout = JobTimeoutMs });
        // Filled part-way (a value, not the moving bar of an unknown duration), and said in words too.
        await page.WaitForFunctionAsync(
            "bar => !bar.hidden && bar.hasAttribute('value') && bar.value > 0 && bar.value < 100",
            await bar.ElementHandleAsync(),
            new() { Timeout = JobTimeoutMs });
        await Expect(job.Locator(".job-detail")).ToContainTextAsync(" % ");
        await Browser.ScreenshotAsync(page, "web-page-converting");

        await Expect(job.Locator(".job-status")).ToHaveTextAsync("done", new() { Timeout = JobTimeoutMs });
        await Expect(bar).ToBeHiddenAsync();
    }

    [Fact]
    public async Task At_phone_width_the_page_fits_and_works_from_the_keyboard()
    {
        await using var context = await Browser.NewContextAsync(_gateway, width: 390, height: 844);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        // Keyboard only: into the form, type, submit with Enter.
        string email;
        using (var gateway = new GatewayClient(_gateway, mail: fixture.System.GetHttpEndpoint("mail")))
        {
            (email, _) = await gateway.SignUpAsync(TestContext.Current.CancellationToken);
        }

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("email", await ActiveElementIdAsync(page));
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(Password);
        await page.Keyboard.PressAsync("Enter");
        await ExpectSignedInAsync(page, email);

        // The file picker is reachable by Tab (it opens with Enter or Space like any file input).
        var reached = false;
        for (var presses = 0; presses < 6 && !reached; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await ActiveElementIdAsync(page) == "file";
        }

        Assert.True(reached, "the file input cannot be reached with Tab");
        Assert.True(
            await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            "the page scrolls sideways at phone width");
        await Browser.ScreenshotAsync(page, "web-page-phone");
    }

    // Visible as well: the address may linger, hidden, in a page that has just signed out. The first sign-in after
    // the system starts can take seconds on a busy machine (auth warming up, password hashing).
    private static async Task ExpectSignedInAsync(IPage page, string email)
    {
        await Expect(page.Locator("#account-email")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#account-email")).ToHaveTextAsync(email);
        await Expect(page.Locator("#live")).ToHaveClassAsync("live on");
    }

    private static Task<string?> ActiveElementIdAsync(IPage page) => page.EvaluateAsync<string?>("() => document.activeElement?.id");

    /// <summary>A new account, verified through its mail, signed in on the page.</summary>
    private async Task SignUpAsync(IPage page)
    {
        string email;
        using (var gateway = new GatewayClient(_gateway, mail: fixture.System.GetHttpEndpoint("mail")))
        {
            (email, _) = await gateway.SignUpAsync(TestContext.Current.CancellationToken);
        }

        await page.GotoAsync("/");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectSignedInAsync(page, email);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _media.Dispose();
    }
}
