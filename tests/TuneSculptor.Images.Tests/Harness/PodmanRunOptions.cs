using System.Globalization;
using k8s.Models;

namespace TuneSculptor.Images.Tests.Harness;

/// <summary>
/// The <c>podman run</c> options that give a container what its pod spec asks of the kubelet: the security context
/// (read-only root file system and nothing else writable, no privilege escalation, dropped capabilities, a user), the
/// resource limits, and emptyDir volumes as size-limited tmpfs mounts. Anything else in the spec is refused, so a
/// manifest the tests cannot honour fails loudly instead of running differently.
/// </summary>
internal static class PodmanRunOptions
{
    public static List<string> For(V1PodSpec pod, V1Container container)
    {
        var options = new List<string>();
        var security = container.SecurityContext ?? new V1SecurityContext();
        if (security.ReadOnlyRootFilesystem == true)
        {
            // podman's --read-only also mounts tmpfs on /tmp, /var/tmp and /run; Kubernetes does not.
            options.AddRange(["--read-only", "--read-only-tmpfs=false"]);
        }

        if (security.AllowPrivilegeEscalation == false)
        {
            options.Add("--security-opt=no-new-privileges");
        }

        foreach (var capability in security.Capabilities?.Drop ?? [])
        {
            options.Add($"--cap-drop={capability.ToLowerInvariant()}");
        }

        foreach (var capability in security.Capabilities?.Add ?? [])
        {
            options.Add($"--cap-add={capability.ToLowerInvariant()}");
        }

        if ((security.RunAsUser ?? pod.SecurityContext?.RunAsUser) is { } user)
        {
            options.Add($"--user={user}");
        }

        if (container.Resources?.Limits is { } limits)
        {
            if (limits.TryGetValue("memory", out var memory))
            {
                options.Add($"--memory={memory.ToInt64()}b");
            }

            if (limits.TryGetValue("cpu", out var cpu))
            {
                options.Add($"--cpus={cpu.ToDecimal().ToString(CultureInfo.InvariantCulture)}");
            }
        }

        foreach (var mount in container.VolumeMounts ?? [])
        {
            var volume = pod.Volumes?.SingleOrDefault(v => v.Name == mount.Name)
                ?? throw new InvalidOperationException($"{container.Name}: volume '{mount.Name}' is mounted but not declared.");
            if (volume.EmptyDir is null)
            {
                throw new NotSupportedException($"{container.Name}: volume '{mount.Name}' is not an emptyDir; only emptyDir is run here.");
            }

            // An emptyDir is a fresh folder any user of the pod can write; its size limit becomes the tmpfs size.
            var size = volume.EmptyDir.SizeLimit is { } limit ? $",size={limit.ToInt64()}" : string.Empty;
            options.Add($"--tmpfs={mount.MountPath}:rw,mode=1777{size}");
        }

        return options;
    }

    /// <summary>
    /// The kubelet's <c>runAsNonRoot</c> check: the image's user must be a numeric, non-zero UID (a name could be root).
    /// </summary>
    public static void RequireNonRootUser(V1PodSpec pod, V1Container container, string imageUser)
    {
        var runAsNonRoot = container.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot;
        if (runAsNonRoot == true && (!long.TryParse(imageUser.Split(':')[0], out var uid) || uid == 0))
        {
            throw new InvalidOperationException(
                $"{container.Name}: runAsNonRoot is set and the image's user is '{imageUser}': the kubelet would refuse to start it.");
        }
    }
}
