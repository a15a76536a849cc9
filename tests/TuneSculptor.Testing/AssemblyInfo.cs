using System.Runtime.Versioning;

// The systems it starts run Linux host processes (MariaDB, RabbitMQ, …) and are read through /proc.
[assembly: SupportedOSPlatform("linux")]
