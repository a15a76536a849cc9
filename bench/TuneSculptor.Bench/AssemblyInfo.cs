using System.Runtime.Versioning;

// The benchmark reads the system's processes through /proc.
[assembly: SupportedOSPlatform("linux")]
