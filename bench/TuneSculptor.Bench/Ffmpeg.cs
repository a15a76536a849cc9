using System.Diagnostics;
using TuneSculptor.Testing;

namespace TuneSculptor.Bench;

/// <summary>The benchmark's inputs and the bare-ffmpeg baseline.</summary>
public static class Ffmpeg
{
    /// <summary>
    /// A 720p H.264/AAC clip of <paramref name="seconds"/> seconds (test picture, 440 Hz tone) in MP4, generated once
    /// and kept in <paramref name="folder"/> (git-ignored) for later runs. In Matroska (<c>mkv</c>, streamable: its
    /// index does not have to be read first) it is the MP4 clip's own streams, copied into the other container, so the
    /// two differ only in how they are packed.
    /// </summary>
    public static async Task<string> ClipAsync(string folder, int seconds, string container, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"clip-{seconds}s.{container}");
        if (File.Exists(path))
        {
            return path;
        }

        var duration = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] generate = container switch
        {
            "mp4" =>
            [
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", duration,
            ],
            "mkv" => ["-i", await ClipAsync(folder, seconds, "mp4", cancellationToken), "-c", "copy"],
            _ => throw new ArgumentException($"No clip in '{container}': mp4 or mkv.", nameof(container)),
        };
        var partial = Path.Combine(folder, $"clip-{seconds}s.partial.{container}");
        Console.Error.WriteLine($"[bench] generating {Path.GetFileName(path)} (once; cached in {folder})");
        await RunAsync(cancellationToken, [.. generate, partial]);
        File.Move(partial, path);
        return path;
    }

    /// <summary>
    /// <paramref name="clip"/> played over and over (its streams copied, <c>-f concat</c>) until the file is at least
    /// <paramref name="minBytes"/> long, in the same container: a real video of a given size without encoding one.
    /// Generated once and kept beside the clip.
    /// </summary>
    public static async Task<string> RepeatedClipAsync(string clip, long minBytes, CancellationToken cancellationToken)
    {
        var length = FileLength(clip);
        var times = (int)Math.Max(1, (minBytes + length - 1) / length);
        var path = Path.Combine(Path.GetDirectoryName(clip)!, $"{Path.GetFileNameWithoutExtension(clip)}-x{times}{Path.GetExtension(clip)}");
        if (File.Exists(path))
        {
            return path;
        }

        var list = path + ".txt";
        await File.WriteAllLinesAsync(list, Enumerable.Repeat($"file '{Path.GetFullPath(clip)}'", times), cancellationToken);
        var partial = Path.Combine(Path.GetDirectoryName(clip)!, $"partial-{Path.GetFileName(path)}");
        Console.Error.WriteLine($"[bench] generating {Path.GetFileName(path)} (once; cached beside {Path.GetFileName(clip)})");
        await RunAsync(cancellationToken, "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", partial);
        File.Delete(list);
        File.Move(partial, path);
        return path;
    }

    /// <summary>A clip's length in bytes; its target's when it is a symbolic link (where <see cref="FileInfo"/> gives the link's).</summary>
    public static long FileLength(string clip)
    {
        using var file = File.OpenHandle(clip);
        return RandomAccess.GetLength(file);
    }

    /// <summary>The baseline: <c>ffmpeg -i IN -vn -c:a libmp3lame -q:a 2 OUT</c>, wall time.</summary>
    public static async Task<TimeSpan> ConvertAsync(string input, string output, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await RunAsync(cancellationToken, "-i", input, "-vn", "-c:a", "libmp3lame", "-q:a", "2", output);
        return stopwatch.Elapsed;
    }

    /// <summary>
    /// The baseline alone, with its CPU time: what the benchmark process's reaped children gained meanwhile (the
    /// rusage of the child; nothing else the benchmark starts ends while it runs).
    /// </summary>
    public static async Task<BareRun> ConvertAloneAsync(string input, string output, CancellationToken cancellationToken)
    {
        var before = ProcFs.CpuTime(Environment.ProcessId)!.Children;
        var elapsed = await ConvertAsync(input, output, cancellationToken);
        return new BareRun(elapsed, ProcFs.CpuTime(Environment.ProcessId)!.Children - before);
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
