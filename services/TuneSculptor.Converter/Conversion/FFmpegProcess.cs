using System.Diagnostics;
using System.Text;

namespace TuneSculptor.Converter.Conversion;

/// <summary>How an ffmpeg or ffprobe run ended: its exit code, and the bounded tails of what it printed.</summary>
public sealed record FFmpegExit(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs ffmpeg or ffprobe on an argument list (no shell, no quoting), with nothing on its standard input, and reads
/// its output line by line into bounded logs (<see cref="FFmpegLog"/>), so memory stays flat whatever the input makes
/// it print. Cancelled, it is killed with whatever it started, and the cancellation is thrown once it has exited.
/// </summary>
public static class FFmpegProcess
{
    /// <summary>A longer line is cut: ffmpeg's own lines are at most 1 KiB; only a hostile one is longer.</summary>
    private const int MaxLineLength = 4096;

    /// <param name="onErrorLine">Told each line of standard error as it comes (ffmpeg's progress, its <c>Duration:</c>).</param>
    public static async Task<FFmpegExit> RunAsync(
        string binary, IEnumerable<string> arguments, Action<string>? onErrorLine, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{binary}' could not be started.");
        process.StandardInput.Close();
        var output = new FFmpegLog();
        var error = new FFmpegLog();
        var reading = Task.WhenAll(
            ReadLinesAsync(process.StandardOutput, output.Add),
            ReadLinesAsync(process.StandardError, line =>
            {
                error.Add(line);
                onErrorLine?.Invoke(line);
            }));
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await reading;
            throw;
        }

        await reading;
        return new FFmpegExit(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Lines ended by <c>\n</c> or <c>\r</c> (ffmpeg ends its progress line with <c>\r</c>, to overwrite it on a
    /// terminal), each cut to <see cref="MaxLineLength"/>: a reader's own <c>ReadLine</c> would hold a line of any length.
    /// </summary>
    internal static async Task ReadLinesAsync(TextReader reader, Action<string> onLine)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            foreach (var character in buffer.AsSpan(0, read))
            {
                if (character is '\n' or '\r')
                {
                    if (line.Length > 0)
                    {
                        onLine(line.ToString());
                        line.Clear();
                    }
                }
                else if (line.Length < MaxLineLength)
                {
                    line.Append(character);
                }
            }
        }

        if (line.Length > 0)
        {
            onLine(line.ToString());
        }
    }
}
