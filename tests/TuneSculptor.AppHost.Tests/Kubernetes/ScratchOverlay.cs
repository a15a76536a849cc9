namespace TuneSculptor.AppHost.Tests.Kubernetes;

/// <summary>Empty overlay folders for running deploy/make-secrets.sh on its own, and what it wrote there.</summary>
internal static class ScratchOverlay
{
    /// <summary>An empty overlay folder (make-secrets.sh wants a kustomization.yaml there).</summary>
    public static DirectoryInfo New()
    {
        var overlay = Directory.CreateTempSubdirectory("tunesculptor-secrets-");
        File.WriteAllText(Path.Combine(overlay.FullName, "kustomization.yaml"), "resources: []\n");
        return overlay;
    }

    /// <summary>The overlay's secret files by path relative to its secrets/ folder.</summary>
    public static Dictionary<string, string> Snapshot(DirectoryInfo overlay)
    {
        var secrets = Path.Combine(overlay.FullName, "secrets");
        return Directory.Exists(secrets)
            ? Directory.EnumerateFiles(secrets, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(secrets, f), File.ReadAllText)
            : [];
    }
}
