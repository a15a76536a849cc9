using TuneSculptor.Notification.Email;

namespace TuneSculptor.Notification.Tests;

public sealed class MailTextTests
{
    [Fact]
    public void A_long_name_is_cut_to_the_limit_with_an_ellipsis_and_a_short_one_is_kept()
    {
        var shortened = MailText.FileName(new string('a', 100) + ".mp4");

        Assert.Equal(new string('a', MailText.MaxFileNameLength) + "…", shortened);
        Assert.Equal("holiday.mp4", MailText.FileName("holiday.mp4"));
    }

    [Theory]
    [InlineData("\u202Egnp.exe", "gnp.exe")]
    [InlineData("a\u200Bb\u200Dc\uFEFFd", "abcd")]
    [InlineData("line\r\nbreak\u2028sep\u0007", "linebreaksep")]
    [InlineData("wide\u3000\u00A0  gap", "wide gap")]
    [InlineData("\u200B\u202E", "(unnamed)")]
    public void Control_format_and_separator_characters_go_and_spaces_collapse(string name, string expected) =>
        Assert.Equal(expected, MailText.FileName(name));

    [Fact]
    public void A_character_beyond_the_basic_plane_or_with_a_combining_mark_is_never_cut_in_half()
    {
        var name = new string('a', MailText.MaxFileNameLength - 1) + "e\u0301" + "🎵🎵";

        var shortened = MailText.FileName(name);

        Assert.Equal(new string('a', MailText.MaxFileNameLength - 1) + "e\u0301…", shortened);
    }

    [Fact]
    public void In_html_the_name_is_encoded_inside_code_and_quoted()
    {
        Assert.Equal("“<code>&lt;a href=x&gt;evil.com&lt;/a&gt;</code>”", MailText.HtmlFileName("<a href=x>evil.com</a>"));
        Assert.Equal("“evil.com”", MailText.QuotedFileName("evil.com"));
    }
}
