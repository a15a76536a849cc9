using System.Runtime.Versioning;

// The MongoDB stand-in some tests here store in runs as a Linux host process (TuneSculptor.Testing's SingleServer).
[assembly: SupportedOSPlatform("linux")]
