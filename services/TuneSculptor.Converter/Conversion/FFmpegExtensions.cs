using System.Diagnostics;
using FFMpegCore;

namespace TuneSculptor.Converter.Conversion;

public static class FFmpegExtensions
{
    public const string HealthCheckName = "ffmpeg";

    /// <summary>
    /// Points FFMpegCore at the binaries (<c>FFmpeg:BinaryFolder</c>, default: PATH) and adds a readiness check that
    /// runs both ffmpeg and ffprobe once; later checks report that first result.
    /// </summary>
    /// <remarks>
    /// Each start of these binaries costs ~0.2 s of CPU (Debian's build loads over 200 shared libraries), as much as
    /// converting a 10 s clip; a check on every <c>/health</c> call took that from the jobs. A failed check is not
    /// remembered, so a converter started before ffmpeg was installed becomes ready once it is.
    /// </remarks>
    public static IHostApplicationBuilder AddFFmpeg(this IHostApplicationBuilder builder)
    {
        var binaryFolder = builder.Configuration["FFmpeg:BinaryFolder"];
        if (!string.IsNullOrEmpty(binaryFolder))
        {
            GlobalFFOptions.Configure(options => options.BinaryFolder = binaryFolder);
        }

        string? versions = null; // two concurrent first checks both run the binaries: harmless
        return builder.AddReadinessCheck(HealthCheckName, async (_, cancellationToken) =>
        {
            if (versions is null)
            {
                var ffmpeg = await ReadVersionAsync(GlobalFFOptions.GetFFMpegBinaryPath(), cancellationToken);
                var ffprobe = await ReadVersionAsync(GlobalFFOptions.GetFFProbeBinaryPath(), cancellationToken);
                versions = $"{ffmpeg}; {ffprobe}";
            }

            return versions;
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
