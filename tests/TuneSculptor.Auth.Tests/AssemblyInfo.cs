using System.Runtime.Versioning;
using TuneSculptor.Auth.Tests.AuthService;

// One MariaDB for every test class that runs the auth service (AuthService/); each class uses a database of its own.
[assembly: AssemblyFixture(typeof(MariaDbServer))]

// MariaDB runs as a Linux host process.
[assembly: SupportedOSPlatform("linux")]
