using System.Diagnostics;

namespace TuneSculptor.Bench;

/// <summary>The benchmark's inputs and the bare-ffmpeg baseline.</summary>
public static class Ffmpeg
{
    /// <summary>
    /// A 720p H.264/AAC clip of <paramref name="seconds"/> seconds (test picture, 440 Hz tone), generated once and
    /// kept in <paramref name="folder"/> (git-ignored) for later runs.
    /// </summary>
    public static async Task<string> ClipAsync(string folder, int seconds, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"clip-{seconds}s.mp4");
        if (File.Exists(path))
        {
            return path;
        }

        var partial = Path.Combine(folder, $"clip-{seconds}s.partial.mp4");
        Console.Error.WriteLine($"[bench] generating {Path.GetFileName(path)} (once; cached in {folder})");
        await RunAsync(cancellationToken,
            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), partial);
        File.Move(partial, path);
        return path;
    }

    /// <summary>The baseline: <c>ffmpeg -i IN -vn -c:a libmp3lame -q:a 2 OUT</c>, wall time.</summary>
    public static async Task<TimeSpan> ConvertAsync(string input, string output, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await RunAsync(cancellationToken, "-i", input, "-vn", "-c:a", "libmp3lame", "-q:a", "2", output);
        return stopwatch.Elapsed;
    }

    /// <summary>First line of <c>ffmpeg -version</c>.</summary>
    public static async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", "-hide_banner -version") { RedirectStandardOutput = true })
                            ?? throw new InvalidOperationException("ffmpeg could not be started.");
        var first = await process.StandardOutput.ReadLineAsync(cancellationToken) ?? "unknown";
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return first;
    }

    private static async Task RunAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
        foreach (var argument in (string[])["-hide_banner", "-loglevel", "error", "-nostdin", "-y", .. arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("ffmpeg could not be started.");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}");
        }
    }
}
