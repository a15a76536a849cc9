using TuneSculptor.Gateway.Http;

namespace TuneSculptor.Gateway.Tests;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("holiday.mp4", "holiday.mp4")]
    [InlineData("C:\\Users\\me\\Videos\\holiday.mp4", "holiday.mp4")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("  spaced name.mkv  ", "spaced name.mkv")]
    [InlineData("quo\"ted\".avi", "quoted.avi")]
    [InlineData("line\r\nbreak.mov", "linebreak.mov")]
    [InlineData("été à la mer.webm", "été à la mer.webm")]
    [InlineData("", "video")]
    [InlineData(null, "video")]
    [InlineData("..", "video")]
    public void Upload_names_become_plain_base_names(string? sent, string kept) => Assert.Equal(kept, FileNames.Clean(sent));

    [Fact]
    public void Very_long_names_are_cut_keeping_the_extension()
    {
        var cleaned = FileNames.Clean(new string('a', 500) + ".mp4");

        Assert.Equal(200, cleaned.Length);
        Assert.EndsWith(".mp4", cleaned);
    }

    [Theory]
    [InlineData("holiday.mp4", "holiday.mp3")]
    [InlineData("archive.tar.mkv", "archive.tar.mp3")]
    [InlineData("no-extension", "no-extension.mp3")]
    [InlineData(".mp4", "mp4.mp3")] // leading dots go (no hidden or ".." names)
    public void The_mp3_is_named_after_the_upload(string upload, string mp3) => Assert.Equal(mp3, FileNames.Mp3For(upload));
}
