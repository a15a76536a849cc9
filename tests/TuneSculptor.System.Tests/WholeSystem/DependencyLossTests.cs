using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.WholeSystem;

/// <summary>
/// Readiness means something: stopping a dependency's process turns its dependents' <c>/health</c> to 503 naming that
/// check, and starting it again brings them back by themselves (connections recover, no restart).
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class DependencyLossTests(SystemFixture fixture)
{
    private static readonly TimeSpan DetectionTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    public static TheoryData<string, string, string[]> Dependencies => new()
    {
        // resource to stop, the check that must fail, the services that run that check
        { "mysql", "mysql", ["auth"] },
        { "mongodb", "mongodb", ["gateway", "converter"] },
        { "rabbitmq", "rabbitmq", ["gateway", "converter", "notification"] },
        { "mail", "smtp", ["notification"] },
        { "auth", "auth", ["gateway"] },
    };

    [Theory]
    [MemberData(nameof(Dependencies))]
    public async Task Stopping_a_dependency_makes_its_dependents_unready_until_it_is_back(string resource, string check, string[] dependents)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var system = fixture.System;
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();

        var stopped = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(stopped.Success, $"stop {resource}: {stopped.Message}");
        try
        {
            foreach (var dependent in dependents)
            {
                // Only the lost dependency fails: the report points at the cause. (The same answer must show both:
                // on a busy machine another check can miss its 5 s timeout now and then.)
                await ServiceHealth.WaitUntilAsync(
                    system.GetHttpEndpoint(dependent),
                    h => h.StatusCode == HttpStatusCode.ServiceUnavailable && h.Checks.GetValueOrDefault(check) == "Unhealthy"
                         && h.Checks.Where(c => c.Key != check).All(other => other.Value == "Healthy"),
                    DetectionTimeout,
                    cancellationToken);
            }
        }
        finally
        {
            await system.StartAgainAsync(resource, RecoveryTimeout, cancellationToken);
        }

        foreach (var dependent in dependents)
        {
            await ServiceHealth.WaitUntilAsync(
                system.GetHttpEndpoint(dependent), h => h.StatusCode == HttpStatusCode.OK, RecoveryTimeout, cancellationToken);
        }
    }
}
