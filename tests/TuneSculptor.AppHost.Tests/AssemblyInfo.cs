using System.Runtime.Versioning;

// The systems under test run Linux host processes (MariaDB, RabbitMQ, …) and are read through /proc.
[assembly: SupportedOSPlatform("linux")]
