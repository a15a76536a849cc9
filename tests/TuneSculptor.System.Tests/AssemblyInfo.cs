using System.Runtime.Versioning;
using TuneSculptor.System.Tests.Harness;

// The systems under test run Linux host processes (MariaDB, RabbitMQ, …) and are read through /proc.
[assembly: SupportedOSPlatform("linux")]

// A failing test shows what the system logged meanwhile; a passing one prints nothing.
[assembly: SystemLogsInOutput]
