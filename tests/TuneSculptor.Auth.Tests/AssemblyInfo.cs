using System.Runtime.Versioning;
using TuneSculptor.Auth.Tests.AuthService;
using TuneSculptor.Tests.Shared;

// One MariaDB for every test class that runs the auth service (AuthService/); each class uses a database of its own.
[assembly: AssemblyFixture(typeof(MariaDbServer))]

// One broker, where auth queues its account mails (the notification, which would send them, is not running here).
[assembly: AssemblyFixture(typeof(RabbitMQBroker))]

// MariaDB and RabbitMQ run as a Linux host process.
[assembly: SupportedOSPlatform("linux")]
