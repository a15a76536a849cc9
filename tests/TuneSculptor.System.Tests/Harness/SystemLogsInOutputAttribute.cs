using System.Reflection;
using TuneSculptor.Testing;
using Xunit.v3;

namespace TuneSculptor.System.Tests.Harness;

/// <summary>
/// Puts what every running system logged during a test (each resource's output and the AppHost's own log) into that
/// test's output. The runner shows a test's output only when it fails: a green run stays a summary, and a red test
/// comes with the logs that explain it.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class SystemLogsInOutputAttribute : BeforeAfterTestAttribute
{
    private static readonly AsyncLocal<Dictionary<HostProcessSystem, IReadOnlyDictionary<string, long>>> Marks = new();

    public override void Before(MethodInfo methodUnderTest, IXunitTest test) =>
        Marks.Value = HostProcessSystem.Running.ToDictionary(system => system, system => system.LogMarks());

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (TestContext.Current.TestOutputHelper is not { } output)
        {
            return;
        }

        foreach (var system in HostProcessSystem.Running)
        {
            // A system started during the test: everything it logged.
            var marks = Marks.Value?.GetValueOrDefault(system) ?? new Dictionary<string, long>();
            output.WriteLine($"===== logs of system {system.RunId} during this test =====");
            output.WriteLine(system.LogsSince(marks));
        }
    }
}
