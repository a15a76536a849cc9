using System.Diagnostics;
using FFMpegCore;

namespace TuneSculptor.Converter.Conversion;

public static class FFmpegExtensions
{
    public const string HealthCheckName = "ffmpeg";

    /// <summary>
    /// Points FFMpegCore at the binaries (<c>FFmpeg:BinaryFolder</c>, default: PATH) and adds a readiness check that
    /// runs both ffmpeg and ffprobe.
    /// </summary>
    public static IHostApplicationBuilder AddFFmpeg(this IHostApplicationBuilder builder)
    {
        var binaryFolder = builder.Configuration["FFmpeg:BinaryFolder"];
        if (!string.IsNullOrEmpty(binaryFolder))
        {
            GlobalFFOptions.Configure(options => options.BinaryFolder = binaryFolder);
        }

        return builder.AddDependencyCheck(HealthCheckName, async (_, cancellationToken) =>
        {
            var ffmpeg = await ReadVersionAsync(GlobalFFOptions.GetFFMpegBinaryPath(), cancellationToken);
            var ffprobe = await ReadVersionAsync(GlobalFFOptions.GetFFProbeBinaryPath(), cancellationToken);
            return $"{ffmpeg}; {ffprobe}";
        });
    }

    /// <summary>First line of <c>-version</c>, e.g. "ffmpeg version 5.1.9-0+deb12u1 Copyright …".</summary>
    private static async Task<string> ReadVersionAsync(string binary, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(binary, "-hide_banner -version")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{binary}' could not be started.");
        try
        {
            var firstLine = await process.StandardOutput.ReadLineAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 && firstLine is not null
                ? firstLine
                : throw new InvalidOperationException($"'{binary} -version' exited with {process.ExitCode}.");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
