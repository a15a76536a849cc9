using System.Runtime.Versioning;
using TuneSculptor.Tests.Shared;

// One MongoDB (the stand-in, or the one given) for all tests here; each test takes a database of its own.
[assembly: AssemblyFixture(typeof(MongoServer))]

// The stand-in runs as a Linux host process (TuneSculptor.Testing's SingleServer).
[assembly: SupportedOSPlatform("linux")]
