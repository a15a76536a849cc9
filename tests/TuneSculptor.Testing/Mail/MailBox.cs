using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TuneSculptor.Testing;

/// <summary>smtp4dev's REST API: the mails the system sent (newest first), as a user would find them in their inbox.</summary>
public sealed partial class MailBox(Uri mailUi) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = mailUi, Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Subjects of the mails about the account itself (verification, a registration warning).</summary>
    public static readonly IReadOnlySet<string> AccountMailSubjects = new HashSet<string>(StringComparer.Ordinal)
    {
        "Verify your email address for TuneSculptor",
        "Someone tried to register with your address",
    };

    /// <summary>
    /// The mails to <paramref name="recipient"/> about their jobs (or, with <paramref name="accountMails"/>, about
    /// their account); they show in the API a moment after SMTP accepted them.
    /// </summary>
    public async Task<IReadOnlyList<Mail>> ToAsync(string recipient, CancellationToken cancellationToken, bool accountMails = false)
    {
        var mails = new List<Mail>();
        for (var page = 1; ; page++)
        {
            var listing = await _http.GetFromJsonAsync<JsonElement>($"/api/messages?page={page}&pageSize=100", cancellationToken);
            foreach (var message in listing.GetProperty("results").EnumerateArray())
            {
                if (message.GetProperty("to").EnumerateArray().Any(to => string.Equals(to.GetString(), recipient, StringComparison.OrdinalIgnoreCase))
                    && AccountMailSubjects.Contains(message.GetProperty("subject").GetString()!) == accountMails)
                {
                    var id = message.GetProperty("id").GetString()!;
                    var text = await _http.GetStringAsync($"/api/messages/{id}/plaintext", cancellationToken);
                    var html = await _http.GetStringAsync($"/api/messages/{id}/html", cancellationToken);
                    mails.Add(new Mail(id, message.GetProperty("subject").GetString()!, text, html));
                }
            }

            if (page >= listing.GetProperty("pageCount").GetInt32())
            {
                return mails;
            }
        }
    }

    public async Task<Mail> WaitForMailAsync(string recipient, TimeSpan timeout, CancellationToken cancellationToken, bool accountMails = false)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if ((await ToAsync(recipient, cancellationToken, accountMails)).FirstOrDefault() is { } mail)
            {
                return mail;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No mail to {recipient} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(300, cancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="recipient"/> has at least <paramref name="count"/> mails; returns them all.</summary>
    public async Task<IReadOnlyList<Mail>> WaitForMailsAsync(
        string recipient, int count, TimeSpan timeout, CancellationToken cancellationToken, bool accountMails = false)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var mails = await ToAsync(recipient, cancellationToken, accountMails);
            if (mails.Count >= count)
            {
                return mails;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{mails.Count} of {count} mails to {recipient} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();

    public sealed partial record Mail(string Id, string Subject, string Text, string Html)
    {
        /// <summary>The download link in the mail's text, signature and all, if it has one.</summary>
        public string? DownloadLink => LinkPattern().Match(Text) is { Success: true } match ? match.Value : null;

        /// <summary>The mp3 the download link points at.</summary>
        public string? DownloadFid => LinkPattern().Match(Text) is { Success: true } match ? match.Groups["fid"].Value : null;

        /// <summary>The verification link in the mail's text, signature and all, if it has one.</summary>
        public string? VerificationLink => VerificationLinkPattern().Match(Text) is { Success: true } match ? match.Value : null;

        [GeneratedRegex(@"https?://\S+/verify\?account=[0-9a-f-]{36}&nonce=[0-9a-f]{32}&expires=[0-9]+&sig=[A-Za-z0-9_-]{43}")]
        private static partial Regex VerificationLinkPattern();

        [GeneratedRegex(@"https?://\S+/download\?fid=(?<fid>[0-9a-f]{24})&expires=[0-9]+&sig=[A-Za-z0-9_-]{43}")]
        private static partial Regex LinkPattern();
    }
}
