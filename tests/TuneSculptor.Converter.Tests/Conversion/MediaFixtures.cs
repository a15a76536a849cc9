using System.Diagnostics;

namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>Files for the encoder tests, made by the machine's ffmpeg in a folder of the test's own.</summary>
internal static class MediaFixtures
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Silence, as tiny Opus in Ogg: a few KB per minute, that decodes to as long as asked.</summary>
    public static Task<string> SilenceAsync(string folder, TimeSpan length, string name = "silence.ogg") =>
        MakeAsync(folder, name, $"-f lavfi -i anullsrc=r=8000:cl=mono -t {length.TotalSeconds} -c:a libopus -b:a 6k");

    /// <summary>One still picture, as PNG.</summary>
    public static Task<string> PictureAsync(string folder, string name) =>
        MakeAsync(folder, name, "-f lavfi -i color=c=red:s=32x32 -frames:v 1");

    /// <summary>A few seconds of tone in an MPEG transport stream: what an HLS playlist names as a segment.</summary>
    public static Task<string> ToneSegmentAsync(string folder, string name) =>
        MakeAsync(folder, name, "-f lavfi -i sine=frequency=440 -t 3 -c:a aac -f mpegts");

    /// <summary>
    /// A video of <paramref name="length"/>: moving test pictures and a tone, in the container the name's extension
    /// says, with the codecs given. An MP4 keeps its index (<c>moov</c>) at its end, as ffmpeg writes it by default.
    /// </summary>
    public static Task<string> VideoAsync(string folder, string name, TimeSpan length, string codecs, string picture = "testsrc=size=160x120:rate=10") =>
        MakeAsync(folder, name, $"-f lavfi -i {picture} -f lavfi -i sine=frequency=440 -t {length.TotalSeconds} {codecs}");

    /// <summary>
    /// Runs ffmpeg as it is, with none of the converter's limits (or only the input options given): to show what a
    /// crafted file makes a bare ffmpeg do. Returns its exit code.
    /// </summary>
    public static async Task<int> RunBareFFmpegAsync(string input, string folder, params string[] inputOptions)
    {
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-nostdin", "-y", .. inputOptions, "-i", input, "-vn", "-f", "null", "-"])
        {
            RedirectStandardError = true,
            WorkingDirectory = folder,
        })!;
        var error = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        TestContext.Current.TestOutputHelper?.WriteLine(await error);
        return process.ExitCode;
    }

    /// <summary>Runs ffmpeg with <paramref name="arguments"/> to make <paramref name="name"/> in <paramref name="folder"/>.</summary>
    public static async Task<string> MakeAsync(string folder, string name, string arguments)
    {
        var path = Path.Combine(folder, name);
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", $"-v error -y {arguments} \"{path}\"") { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        Assert.True(process.ExitCode == 0, await error);
        return path;
    }
}
