using System.Runtime.Versioning;

// The model is built for Linux host processes, and the tests write stand-in scripts with Unix file modes.
[assembly: SupportedOSPlatform("linux")]
