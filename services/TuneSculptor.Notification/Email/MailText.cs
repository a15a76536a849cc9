using System.Globalization;
using System.Net;
using System.Text;

namespace TuneSculptor.Notification.Email;

/// <summary>
/// User-chosen text (file names) as it may appear in a mail: one line of at most <see cref="MaxFileNameLength"/>
/// characters, with no control, formatting (bidirectional overrides, zero-width) or line/paragraph separator
/// characters, always in quotes in plain text and in <c>&lt;code&gt;</c>, HTML-encoded, in HTML: never markup, and
/// shown as quoted data rather than prose a mail client would turn into a link.
/// </summary>
public static class MailText
{
    public const int MaxFileNameLength = 60;

    private const string Ellipsis = "…";

    /// <summary>The file name made safe and short: whole text elements only, so no character is cut in half.</summary>
    public static string FileName(string fileName)
    {
        var clean = new StringBuilder(Math.Min(fileName.Length, 256));
        foreach (var rune in fileName.EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate
                    or UnicodeCategory.OtherNotAssigned:
                    continue;
                case UnicodeCategory.SpaceSeparator:
                    // Runs of (odd) spaces become one plain space: no name padded out to push text aside.
                    if (clean.Length > 0 && clean[^1] != ' ')
                    {
                        clean.Append(' ');
                    }

                    continue;
                default:
                    clean.Append(rune.ToString());
                    continue;
            }
        }

        var text = clean.ToString().Trim();
        if (text.Length == 0)
        {
            return "(unnamed)";
        }

        var elements = StringInfo.GetTextElementEnumerator(text);
        var shortened = new StringBuilder();
        var count = 0;
        while (elements.MoveNext())
        {
            if (++count > MaxFileNameLength)
            {
                return shortened.ToString().TrimEnd() + Ellipsis;
            }

            shortened.Append(elements.GetTextElement());
        }

        return text;
    }

    /// <summary>The file name for plain text and subjects: quoted.</summary>
    public static string QuotedFileName(string fileName) => $"“{FileName(fileName)}”";

    /// <summary>The file name for HTML: encoded, in a <c>&lt;code&gt;</c> element, quoted.</summary>
    public static string HtmlFileName(string fileName) => $"“<code>{WebUtility.HtmlEncode(FileName(fileName))}</code>”";
}
