using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests.Harness;

[MessageType("tests.work-item.v1")]
public sealed record WorkItem(string JobId) : IMessage;
