using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>A second message type, sharing a queue with <see cref="WorkItem"/>.</summary>
[MessageType("tests.other-work-item.v1")]
public sealed record OtherWorkItem(string JobId) : IMessage;
