using TuneSculptor.Tests.Shared;

// One MongoDB (the stand-in, or the one given) for all tests here; each test takes a database of its own.
[assembly: AssemblyFixture(typeof(MongoServer))]
