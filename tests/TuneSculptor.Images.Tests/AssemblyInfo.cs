using System.Runtime.Versioning;

// podman, its bridge networks and /proc: Linux only.
[assembly: SupportedOSPlatform("linux")]
