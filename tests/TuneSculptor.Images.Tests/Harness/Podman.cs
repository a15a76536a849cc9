using TuneSculptor.Testing;

namespace TuneSculptor.Images.Tests.Harness;

/// <summary>The podman CLI, run to completion; a failure throws with both output streams.</summary>
internal static class Podman
{
    public static async Task<string> RunAsync(CancellationToken cancellationToken, params string[] arguments) =>
        (await Repository.RunAsync("podman", arguments, cancellationToken)).Trim();

    public static Task<(int ExitCode, string Output, string Error)> TryAsync(CancellationToken cancellationToken, params string[] arguments) =>
        Repository.RunUncheckedAsync("podman", arguments, cancellationToken);

    /// <summary>One field of <c>podman inspect</c>, by Go template.</summary>
    public static Task<string> InspectAsync(string target, string format, CancellationToken cancellationToken) =>
        RunAsync(cancellationToken, "inspect", "--format", format, target);
}
