using System.Runtime.Versioning;

// The broker runs as a Linux host process (TuneSculptor.Testing's SingleServer).
[assembly: SupportedOSPlatform("linux")]
