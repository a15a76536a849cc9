using System.Diagnostics;

namespace TuneSculptor.Testing;

/// <summary>The repository the tests and the benchmark run from, and the commands its scripts document.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathTo(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>Runs the AppHost (already built) in publish mode, as eng/publish-*.sh do.</summary>
    public static Task<string> PublishAsync(CancellationToken cancellationToken, params string[] arguments) =>
        RunAsync("dotnet", ["run", "--project", PathTo("TuneSculptor.AppHost"), "--no-build", "--no-launch-profile", "--", .. arguments],
            cancellationToken,
            // Publishing must describe containers whatever runs here.
            environment: new Dictionary<string, string> { ["INFRASTRUCTURE_RUNTIME"] = "host-processes" });

    /// <summary>Runs a command to completion and returns its standard output; a non-zero exit throws, with both streams.</summary>
    public static async Task<string> RunAsync(
        string command, IEnumerable<string> arguments, CancellationToken cancellationToken,
        string? standardInput = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (exitCode, output, error) = await RunUncheckedAsync(command, arguments, cancellationToken, standardInput, environment);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({exitCode}):\n{output}\n{error}");
        }

        return output;
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunUncheckedAsync(
        string command, IEnumerable<string> arguments, CancellationToken cancellationToken,
        string? standardInput = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            WorkingDirectory = Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TuneSculptor.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"TuneSculptor.sln not found above {AppContext.BaseDirectory}.");
    }
}
