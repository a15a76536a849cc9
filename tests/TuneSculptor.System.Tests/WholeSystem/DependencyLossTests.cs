using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.WholeSystem;

/// <summary>
/// Readiness does not cascade: stopping a shared dependency's process leaves its dependents ready (<c>/health</c> 200,
/// and healthy in the AppHost, as in Kubernetes) with that check degraded in the detail; what needs the dependency
/// answers 503 per request, the rest keeps working, and starting it again clears the detail by itself.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class DependencyLossTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan DetectionTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string[]> Dependencies => new()
    {
        // resource to stop, the check that must report it, the services that run that check
        { "mysql", "mysql", ["auth"] },
        { "mongodb", "mongodb", ["gateway", "converter"] },
        { "rabbitmq", "rabbitmq", ["gateway", "converter", "notification"] },
        { "mail", "smtp", ["notification"] },
        { "auth", "auth", ["gateway"] },
    };

    [Theory]
    [MemberData(nameof(Dependencies))]
    public async Task Stopping_a_dependency_degrades_its_dependents_without_making_them_unready(string resource, string check, string[] dependents)
    {
        var system = fixture.System;
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();

        var stopped = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, Cancellation);
        Assert.True(stopped.Success, $"stop {resource}: {stopped.Message}");
        try
        {
            foreach (var dependent in dependents)
            {
                // Only the lost dependency is reported: the detail points at the cause. (The same answer must show
                // both: on a busy machine another check can miss its 5 s timeout now and then.)
                await ServiceHealth.WaitUntilAsync(
                    system.GetHttpEndpoint(dependent),
                    h => h.StatusCode == HttpStatusCode.OK && h.Status == "Degraded" && h.Checks.GetValueOrDefault(check) == "Degraded"
                         && h.Checks.Where(c => c.Key != check && c.Key != ServiceHealth.DeadLettersCheck).All(other => other.Value == "Healthy"),
                    DetectionTimeout,
                    Cancellation);
                AssertHealthyInTheAppHost(dependent);
            }
        }
        finally
        {
            await system.StartAgainAsync(resource, RecoveryTimeout, Cancellation);
        }

        foreach (var dependent in dependents)
        {
            await ServiceHealth.WaitUntilAsync(
                system.GetHttpEndpoint(dependent), h => h.StatusCode == HttpStatusCode.OK && h.ReachesDependencies, RecoveryTimeout, Cancellation);
        }
    }

    [Fact]
    public async Task With_RabbitMQ_stopped_the_gateway_stays_ready_logins_and_downloads_work_and_uploads_answer_503()
    {
        // An mp3 made while everything runs, and the account's password to log in again during the outage.
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        const string password = GatewayClient.Password;
        var video = await _media.VideoAsync("mp4");
        var job = await _gateway.WaitForJobAsync(token, await _gateway.UploadForJobAsync(token, video, Cancellation), JobTimeout, Cancellation);
        Assert.True(job.GetProperty("status").GetString() == "done", job.ToString());
        var downloadPath = new Uri(job.GetProperty("download_url").GetString()!).PathAndQuery;
        var mp3 = await GetBytesAsync(token, downloadPath);

        await fixture.System.WhileStoppedAsync("rabbitmq", async () =>
        {
            var gateway = fixture.System.GetHttpEndpoint("gateway");
            await ServiceHealth.WaitUntilAsync(
                gateway, h => h.StatusCode == HttpStatusCode.OK && h.Checks.GetValueOrDefault("rabbitmq") == "Degraded", DetectionTimeout, Cancellation);
            AssertHealthyInTheAppHost("gateway");

            var tokenDuringOutage = await _gateway.LoginForTokenAsync(email, password, Cancellation);
            Assert.Equal(mp3, await GetBytesAsync(tokenDuringOutage, downloadPath));

            using var upload = await _gateway.UploadAsync(tokenDuringOutage, video, null, Cancellation);
            var problem = await upload.Content.ReadAsStringAsync(Cancellation);
            Assert.True(upload.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)upload.StatusCode}: {problem}");
            Assert.Equal("application/problem+json", upload.Content.Headers.ContentType?.MediaType);
            Assert.Equal(503, JsonDocument.Parse(problem).RootElement.GetProperty("status").GetInt32());

            // Still ready after all that: the outage never took it out.
            var health = await ServiceHealth.GetAsync(gateway, Cancellation);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }, RecoveryTimeout, Cancellation, "gateway", "converter", "notification");
    }

    private void AssertHealthyInTheAppHost(string resource)
    {
        Assert.True(fixture.System.App.ResourceNotifications.TryGetCurrentState(resource, out var state), $"{resource} is not in the model");
        Assert.True(state.Snapshot.HealthStatus == HealthStatus.Healthy, $"{resource} is {state.Snapshot.HealthStatus} in the AppHost");
    }

    private async Task<byte[]> GetBytesAsync(string token, string pathAndQuery)
    {
        using var response = await _gateway.GetAsync(token, pathAndQuery, Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {pathAndQuery}: {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync(Cancellation);
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _media.Dispose();
    }
}
