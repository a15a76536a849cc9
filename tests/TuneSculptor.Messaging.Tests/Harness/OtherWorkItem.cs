using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>A second message type, sharing a queue with <see cref="WorkItem"/>.</summary>
[MessageType("tests.other-work-item.v1")]
public sealed record OtherWorkItem(JobId JobId, string Name) : IJobMessage
{
    public static OtherWorkItem Named(string name) => new(TestJobIds.New(), name);
}
