using System.Net;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.WholeSystem;

[Collection(typeof(SystemCollection))]
public sealed class SystemHealthTests(SystemFixture fixture)
{
    public static TheoryData<string, string[]> ServiceDependencies => new()
    {
        { "gateway", ["mongodb", "rabbitmq", "auth"] },
        { "auth", ["mysql", "rabbitmq", "migrations", "development-user"] }, // the last in Development only, as here
        // The consumers also say whether dead letters wait for their queues (not a dependency: see below).
        { "converter", ["mongodb", "rabbitmq", "ffmpeg", ServiceHealth.DeadLettersCheck] },
        { "notification", ["mongodb", "rabbitmq", "smtp", ServiceHealth.DeadLettersCheck] },
    };

    [Fact]
    public async Task Every_resource_of_the_model_runs_healthy()
    {
        // Other tests of this collection stop dependencies, and a health probe can miss its timeout on a busy
        // machine: a resource must be healthy again within a minute, not at one instant.
        await fixture.System.WaitForHealthyAsync(fixture.System.Resources.All, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        foreach (var name in fixture.System.Resources.All)
        {
            Assert.True(fixture.System.App.ResourceNotifications.TryGetCurrentState(name, out var resource), $"{name} is not in the model");
            Assert.True(KnownResourceStates.Running == resource.Snapshot.State?.Text, $"{name} is {resource.Snapshot.State?.Text}");
            Assert.True(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy == resource.Snapshot.HealthStatus,
                $"{name} is {resource.Snapshot.HealthStatus}");
        }

        TestContext.Current.SendDiagnosticMessage($"Whole model healthy {fixture.System.StartupTime.TotalSeconds:0.0} s after start.");
    }

    [Theory]
    [MemberData(nameof(ServiceDependencies))]
    public async Task Each_service_reaches_each_of_its_dependencies(string service, string[] dependencies)
    {
        var endpoint = fixture.System.GetHttpEndpoint(service);

        var health = await ServiceHealth.GetAsync(endpoint, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(dependencies.Append("self").Order(), health.Checks.Keys.Order());
        Assert.True(health.ReachesDependencies, health.Body);
        // Degraded while dead letters wait (other tests of this collection fail jobs on purpose), never unhealthy.
        Assert.All(health.Checks, check => Assert.Contains(check.Value, new[] { "Healthy", "Degraded" }));
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("auth")]
    [InlineData("converter")]
    [InlineData("notification")]
    public async Task Each_service_answers_liveness_with_its_own_check_only(string service)
    {
        var alive = await ServiceHealth.GetAsync(fixture.System.GetHttpEndpoint(service), TestContext.Current.CancellationToken, "/alive");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(["self"], alive.Checks.Keys);
    }
}
