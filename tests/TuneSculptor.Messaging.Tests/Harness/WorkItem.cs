using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>A message the tests tell apart by <see cref="Name"/>; <see cref="Named"/> gives it a fresh job id.</summary>
[MessageType("tests.work-item.v1")]
public sealed record WorkItem(JobId JobId, string Name) : IJobMessage
{
    public static WorkItem Named(string name) => new(TestJobIds.New(), name);
}
