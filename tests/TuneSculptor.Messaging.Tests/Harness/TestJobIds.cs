using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>Job ids for messages that belong to no stored job (Storage mints the real ones).</summary>
internal static class TestJobIds
{
    public static JobId New() => JobId.Parse(Guid.NewGuid().ToString("N")[..24]);
}
