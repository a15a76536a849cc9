using TuneSculptor.Converter.Conversion;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>What an ffmpeg run prints is kept in memory only as a bounded tail, however much that is.</summary>
public sealed class FFmpegLogTests
{
    [Fact]
    public void The_log_keeps_the_newest_lines_within_its_capacity_and_leaves_progress_lines_out()
    {
        var log = new FFmpegLog(capacity: 1000);
        for (var i = 0; i < 100_000; i++)
        {
            log.Add($"[mp3 @ 0x55] Header missing, packet {i}");
            log.Add($"size=     {i}kB time=00:00:{i % 60:00}.00 bitrate= 128.0kbits/s speed=50x");
        }

        log.Add(new string('x', 5000));
        log.Add("Error while decoding stream #0:0: Invalid data found when processing input");

        Assert.InRange(log.Length, 1, 1000);
        var text = log.ToString();
        Assert.EndsWith("Error while decoding stream #0:0: Invalid data found when processing input\n", text);
        Assert.DoesNotContain("size=", text);
    }

    [Fact]
    public async Task A_process_printing_megabytes_leaves_only_the_tail_and_every_line_is_cut_short()
    {
        // 8 MB of short lines, then one 2 MB line without an end, on standard error.
        var lines = 0;
        var longest = 0;
        var exit = await FFmpegProcess.RunAsync(
            "sh",
            ["-c", "yes 'Warning: crafted packet' | head -c 8000000 >&2; head -c 2000000 /dev/zero | tr '\\0' x >&2; echo done; exit 3"],
            line =>
            {
                lines++;
                longest = Math.Max(longest, line.Length);
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(3, exit.ExitCode);
        Assert.Equal("done\n", exit.StandardOutput);
        Assert.InRange(exit.StandardError.Length, 1, FFmpegLog.DefaultCapacity + 1000);
        Assert.True(lines > 300_000, $"{lines} lines");
        Assert.Equal(4096, longest);
    }
}
