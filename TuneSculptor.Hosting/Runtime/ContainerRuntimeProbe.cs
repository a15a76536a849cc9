using System.ComponentModel;
using System.Diagnostics;

namespace TuneSculptor.Hosting.Runtime;

/// <summary>
/// Asks the container engine itself whether it answers: a CLI without a daemon (as on our CI machines) is not a
/// runtime Aspire can use, and containers there would stay unhealthy forever.
/// </summary>
public static class ContainerRuntimeProbe
{
    private static readonly TimeSpan DefaultAnswerTimeout = TimeSpan.FromSeconds(10);

    /// <param name="configuredRuntime">The runtime Aspire is told to use, or null to try docker, then podman.</param>
    /// <param name="answerTimeout">How long an engine may take to answer (default 10 s); a hung engine is unhealthy.</param>
    public static ContainerRuntimeStatus Check(string? configuredRuntime, TimeSpan? answerTimeout = null)
    {
        string[] candidates = string.IsNullOrWhiteSpace(configuredRuntime) ? ["docker", "podman"] : [configuredRuntime];
        ContainerRuntimeStatus? firstFailure = null;
        foreach (var runtime in candidates)
        {
            var status = CheckOne(runtime, answerTimeout ?? DefaultAnswerTimeout);
            if (status.IsHealthy)
            {
                return status;
            }

            firstFailure ??= status;
        }

        return firstFailure!;
    }

    private static ContainerRuntimeStatus CheckOne(string runtime, TimeSpan answerTimeout)
    {
        var startInfo = new ProcessStartInfo(runtime, "info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process? process;
        try
        {
            process = Process.Start(startInfo);
        }
        catch (Win32Exception)
        {
            return new(runtime, false, "not installed");
        }

        if (process is null)
        {
            return new(runtime, false, "could not be started");
        }

        using (process)
        {
            // Both pipes are drained so that a chatty CLI cannot block on a full one.
            _ = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(answerTimeout))
            {
                process.Kill(entireProcessTree: true);
                return new(runtime, false, $"'{runtime} info' did not answer within {answerTimeout.TotalSeconds:0} s");
            }

            if (process.ExitCode == 0)
            {
                return new(runtime, true, "the engine answered");
            }

            var lastErrorLine = error.Result
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault();
            return new(runtime, false, lastErrorLine ?? $"'{runtime} info' exited with {process.ExitCode}");
        }
    }
}
