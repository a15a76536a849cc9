using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Accounts;

/// <summary>
/// Verified addresses, through the gateway against the whole system, mails read from smtp4dev: registering tells
/// nobody who has an account, the mailed link verifies once, uploads wait for it, resending is limited, every address
/// gets a bounded number of mails, and file names in mails are data, not text to act on.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed partial class VerificationTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MailBox _mail = new(fixture.System.GetHttpEndpoint("mail"));
    private readonly HttpClient _anonymous = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registering_a_taken_address_is_answered_like_a_new_one_and_warns_its_owner_with_nothing_to_click()
    {
        var (owner, _) = await _gateway.SignUpAsync(Cancellation);
        var fresh = GatewayClient.UniqueEmail("fresh");

        using var taken = await _gateway.RegisterAsync(owner, "another password", Cancellation);
        using var created = await _gateway.RegisterAsync(fresh, "another password", Cancellation);

        Assert.Equal(HttpStatusCode.Accepted, taken.StatusCode);
        Assert.Equal(created.StatusCode, taken.StatusCode);
        Assert.Equal(await created.Content.ReadAsStringAsync(Cancellation), await taken.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(created.Content.Headers.ContentType?.ToString(), taken.Content.Headers.ContentType?.ToString());

        // The owner is warned, with no link at all; the new address gets its verification link.
        var warning = await WaitForAccountMailAsync(owner, "Someone tried to register with your address");
        Assert.DoesNotContain("http", warning.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", warning.Html, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull((await WaitForAccountMailAsync(fresh, "Verify your email address for TuneSculptor")).VerificationLink);
        // The owner's password is unchanged.
        using var login = await _gateway.LoginAsync(owner, "another password", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task An_unverified_address_can_sign_in_but_not_upload_until_the_mailed_link_is_opened_and_it_signs_in_again()
    {
        var email = await _gateway.RegisterUnverifiedAsync(Cancellation);
        var unverified = await _gateway.LoginForTokenAsync(email, GatewayClient.Password, Cancellation);
        var video = await _media.VideoAsync("mp4");

        using (var refused = await _gateway.UploadAsync(unverified, video, bitrate: null, Cancellation))
        {
            var problem = await Problem.AssertAsync(refused, HttpStatusCode.Forbidden);
            Assert.Equal("Your email address is not verified yet.", problem.GetProperty("title").GetString());
            Assert.Contains("/verification-mail", problem.GetProperty("detail").GetString());
        }

        var link = await _gateway.VerificationLinkAsync(email, Cancellation);
        using (var verified = await GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
            Assert.Equal("Your address is verified.", (await verified.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("title").GetString());
        }

        // The token from before says what it said: the claim changes at the next sign-in.
        using (var stillRefused = await _gateway.UploadAsync(unverified, video, bitrate: null, Cancellation))
        {
            await Problem.AssertAsync(stillRefused, HttpStatusCode.Forbidden);
        }

        var token = await _gateway.LoginForTokenAsync(email, GatewayClient.Password, Cancellation);
        var jobId = await _gateway.UploadForJobAsync(token, video, Cancellation);
        var job = await _gateway.WaitForJobAsync(token, jobId, Timeout, Cancellation);
        Assert.Equal("done", job.GetProperty("status").GetString());
        Assert.NotNull((await _mail.WaitForMailAsync(email, Timeout, Cancellation)).DownloadLink);
    }

    [Fact]
    public async Task A_verification_link_works_once_and_a_tampered_or_replaced_one_does_nothing()
    {
        var email = await _gateway.RegisterUnverifiedAsync(Cancellation);
        var token = await _gateway.LoginForTokenAsync(email, GatewayClient.Password, Cancellation);
        var first = await _gateway.VerificationLinkAsync(email, Cancellation);

        // A new mail replaces the first: its link no longer verifies.
        await Task.Delay(SystemFixture.VerificationResendInterval, Cancellation);
        using (var resent = await PostAsync(token, "/verification-mail"))
        {
            Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        }

        var second = await WaitForNewVerificationLinkAsync(email, first);
        await AssertLinkAsync(first, HttpStatusCode.Gone, "This verification link was replaced.");

        // Tampered: another signature, another nonce or account under the same signature, a later expiry.
        var query = QueryHelpers.ParseQuery(new Uri(second).Query);
        var sig = query["sig"].ToString();
        await AssertLinkAsync(second.Replace(sig, (sig[0] == 'A' ? 'B' : 'A') + sig[1..], StringComparison.Ordinal), HttpStatusCode.Forbidden, "This verification link is not valid.");
        await AssertLinkAsync(second.Replace(query["nonce"].ToString(), new string('0', 32), StringComparison.Ordinal), HttpStatusCode.Forbidden, "This verification link is not valid.");
        await AssertLinkAsync(second.Replace(query["account"].ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal), HttpStatusCode.Forbidden, "This verification link is not valid.");
        var expires = query["expires"].ToString();
        await AssertLinkAsync(second.Replace($"expires={expires}", $"expires={long.Parse(expires) + 3600}", StringComparison.Ordinal), HttpStatusCode.Forbidden, "This verification link is not valid.");
        await AssertLinkAsync(second.Replace($"&sig={sig}", string.Empty, StringComparison.Ordinal), HttpStatusCode.Forbidden, "This verification link is not valid.");

        // The latest link verifies, once; then it, and the replaced one, say so and change nothing.
        await AssertLinkAsync(second, HttpStatusCode.OK, "Your address is verified.");
        await AssertLinkAsync(second, HttpStatusCode.OK, "This address is verified already.");
        await AssertLinkAsync(first, HttpStatusCode.OK, "This address is verified already.");

        // A browser gets a page saying the same, with the way to the web page.
        var request = new HttpRequestMessage(HttpMethod.Get, second);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var page = await _anonymous.SendAsync(request, Cancellation);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("<h2>This address is verified already.</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/\">", html, StringComparison.Ordinal);

        // Verified: no more verification mails.
        using var again = await PostAsync(await _gateway.LoginForTokenAsync(email, GatewayClient.Password, Cancellation), "/verification-mail");
        Assert.Equal("This address is verified already.", (await Problem.AssertAsync(again, HttpStatusCode.Conflict)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Resending_is_limited_per_account_by_an_interval_and_a_daily_count()
    {
        var email = await _gateway.RegisterUnverifiedAsync(Cancellation);
        var token = await _gateway.LoginForTokenAsync(email, GatewayClient.Password, Cancellation);

        // Right after the registration's mail: too soon, for no longer than the interval.
        using (var tooSoon = await PostAsync(token, "/verification-mail"))
        {
            await Problem.AssertAsync(tooSoon, (HttpStatusCode)429);
            Assert.InRange(RetryAfterSeconds(tooSoon), 1, SystemFixture.VerificationResendInterval.TotalSeconds);
        }

        // The registration's mail and four more make the day's five; the sixth waits for the next UTC day.
        for (var sent = 1; sent < 5; sent++)
        {
            await Task.Delay(SystemFixture.VerificationResendInterval, Cancellation);
            using var resent = await PostAsync(token, "/verification-mail");
            Assert.True(resent.StatusCode == HttpStatusCode.Accepted, $"resend {sent}: {(int)resent.StatusCode} {await resent.Content.ReadAsStringAsync(Cancellation)}");
        }

        await Task.Delay(SystemFixture.VerificationResendInterval, Cancellation);
        using (var dayFull = await PostAsync(token, "/verification-mail"))
        {
            await Problem.AssertAsync(dayFull, (HttpStatusCode)429);
            var untilTomorrow = DateTime.UtcNow.Date.AddDays(1) - DateTime.UtcNow;
            Assert.InRange(RetryAfterSeconds(dayFull), SystemFixture.VerificationResendInterval.TotalSeconds + 1, untilTomorrow.TotalSeconds + 5);
        }

        Assert.Equal(5, (await _mail.WaitForMailsAsync(email, 5, Timeout, Cancellation, accountMails: true)).Count);
    }

    [Fact]
    public async Task An_address_gets_at_most_the_hourly_cap_of_mails_whatever_asks_for_them()
    {
        // Default cap: 10 an hour. The verification mail, then eleven registrations of the taken address: ten mails
        // arrive, the eleventh and twelfth are held back, logged and counted.
        const int cap = 10;
        var (owner, _) = await _gateway.SignUpAsync(Cancellation);
        for (var attempt = 0; attempt < cap + 1; attempt++)
        {
            using var registered = await _gateway.RegisterAsync(owner, "another password", Cancellation);
            Assert.Equal(HttpStatusCode.Accepted, registered.StatusCode);
        }

        var deadline = DateTime.UtcNow + Timeout;
        while (Regex.Count(fixture.System.RecentLogs("notification", maxLines: 5000), "Not sent: a registration-warning mail to recipient") < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "The notification did not report the capped mails.");
            await Task.Delay(300, Cancellation);
        }

        Assert.Equal(cap, (await _mail.ToAsync(owner, Cancellation, accountMails: true)).Count);
        // Metrics are exported every few seconds.
        while (!fixture.Telemetry.Metrics.Any(metric => metric is { Service: "notification", Name: "tunesculptor.mails.capped" }))
        {
            Assert.True(DateTime.UtcNow < deadline, "tunesculptor.mails.capped was not exported.");
            await Task.Delay(300, Cancellation);
        }
    }

    [Fact]
    public async Task A_long_hostile_file_name_reaches_the_mail_short_clean_quoted_and_never_as_a_link()
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        // Bidirectional override, zero-width and control characters, host names, far too long. (No slashes: the
        // gateway keeps only a path's last segment.)
        const string hostile = "\u202Egnp.exe\u200B evil.com www.evil.example\u0007 " + "click-here-to-claim-your-prize-";
        var name = hostile + new string('x', 120) + ".mp4";
        var jobId = await _gateway.UploadForJobAsync(token, new ByteArrayContent(await File.ReadAllBytesAsync(await _media.VideoAsync("mp4"), Cancellation)), name, Cancellation);
        Assert.Equal("done", (await _gateway.WaitForJobAsync(token, jobId, Timeout, Cancellation)).GetProperty("status").GetString());

        var mail = await _mail.WaitForMailAsync(email, Timeout, Cancellation);
        var shown = ShownName().Match(mail.Subject);
        Assert.True(shown.Success, mail.Subject);
        var text = shown.Groups["name"].Value;
        Assert.EndsWith("…", text, StringComparison.Ordinal);
        Assert.InRange(text.Length, 10, 61);
        Assert.DoesNotContain(text, c => char.IsControl(c) || char.GetUnicodeCategory(c) == global::System.Globalization.UnicodeCategory.Format);
        Assert.StartsWith("gnp.exe evil.com www.evil.example click-here", text, StringComparison.Ordinal);
        Assert.Contains($"“{text}”", mail.Text, StringComparison.Ordinal);
        // In HTML: in <code>, encoded, and the only link is the download link.
        var encoded = WebUtility.HtmlEncode(text);
        Assert.Contains($"“<code>{encoded}</code>”", mail.Html, StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(mail.Html, "<a ", RegexOptions.IgnoreCase));
        Assert.DoesNotContain("evil.example\"", mail.Html, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<MailBox.Mail> WaitForAccountMailAsync(string recipient, string subject)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            if ((await _mail.ToAsync(recipient, Cancellation, accountMails: true)).FirstOrDefault(m => m.Subject == subject) is { } mail)
            {
                return mail;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No \"{subject}\" mail to {recipient} within {Timeout.TotalSeconds:0} s.");
            await Task.Delay(300, Cancellation);
        }
    }

    private async Task<string> WaitForNewVerificationLinkAsync(string email, string previous)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var link = await _gateway.VerificationLinkAsync(email, Cancellation);
            if (link != previous)
            {
                return link;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No second verification mail to {email} within {Timeout.TotalSeconds:0} s.");
            await Task.Delay(300, Cancellation);
        }
    }

    /// <summary>An API client's answer to the link: JSON for a success, ProblemDetails for a refusal.</summary>
    private async Task AssertLinkAsync(string link, HttpStatusCode status, string title)
    {
        using var response = await GetAsync(link);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(status == response.StatusCode, $"{link}: {(int)response.StatusCode}, expected {(int)status}: {body}");
        Assert.Equal(status < HttpStatusCode.BadRequest ? "application/json" : "application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());
    }

    private Task<HttpResponseMessage> GetAsync(string url) => _anonymous.GetAsync(url, Cancellation);

    private Task<HttpResponseMessage> PostAsync(string token, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.System.GetHttpEndpoint("gateway"), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _anonymous.SendAsync(request, Cancellation);
    }

    private static double RetryAfterSeconds(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta?.TotalSeconds ?? throw new InvalidOperationException("No Retry-After in seconds.");

    [GeneratedRegex("^Your mp3 of “(?<name>.*)” is ready$")]
    private static partial Regex ShownName();

    public void Dispose()
    {
        _gateway.Dispose();
        _mail.Dispose();
        _anonymous.Dispose();
        _media.Dispose();
    }
}
