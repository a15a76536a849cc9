using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.AppHost.Tests.Harness;
using TuneSculptor.AppHost.Tests.WholeSystem;

namespace TuneSculptor.AppHost.Tests.Pipeline;

/// <summary>
/// With the broker or the database down, an upload is refused with 503 and nothing of it is kept; once they are
/// back, the gateway, converter and notification carry on by themselves.
/// </summary>
[Collection(typeof(SystemCollection))]
public sealed class UploadAvailabilityTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("rabbitmq")]
    [InlineData("mongodb")]
    public async Task An_upload_while_a_dependency_is_down_is_refused_and_stores_nothing(string dependency)
    {
        var (email, token) = await _gateway.SignUpAsync(Cancellation);
        var video = await _media.VideoAsync("mp4");
        var commands = fixture.System.App.Services.GetRequiredService<ResourceCommandService>();

        Assert.True((await commands.ExecuteCommandAsync(dependency, KnownResourceCommands.StopCommand, Cancellation)).Success);
        try
        {
            using var refused = await _gateway.UploadAsync(token, video, null, Cancellation);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        finally
        {
            Assert.True((await commands.ExecuteCommandAsync(dependency, KnownResourceCommands.StartCommand, Cancellation)).Success);
            using var recovery = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
            recovery.CancelAfter(RecoveryTimeout);
            await fixture.System.App.ResourceNotifications.WaitForResourceHealthyAsync(dependency, recovery.Token);
            foreach (var service in new[] { "gateway", "converter", "notification" })
            {
                await ServiceHealth.WaitUntilAsync(
                    fixture.System.GetHttpEndpoint(service), h => h.StatusCode == HttpStatusCode.OK, RecoveryTimeout, recovery.Token);
                // The shared system is left as found: healthy in Aspire's eyes too, not only on the wire.
                await fixture.System.App.ResourceNotifications.WaitForResourceHealthyAsync(service, recovery.Token);
            }
        }

        Assert.Equal(0, await CountStoredVideosAsync(email));
        using (var jobs = await _gateway.GetAsync(token, "/jobs", Cancellation))
        {
            Assert.Equal(0, JsonDocument.Parse(await jobs.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("total").GetInt64());
        }

        // And the pipeline works again, without restarting any service.
        var jobId = await _gateway.UploadForJobAsync(token, video, Cancellation);
        var job = await _gateway.WaitForJobAsync(token, jobId, RecoveryTimeout, Cancellation);
        Assert.Equal("done", job.GetProperty("status").GetString());
    }

    public void Dispose()
    {
        _gateway.Dispose();
        _media.Dispose();
    }

    private async Task<long> CountStoredVideosAsync(string ownerEmail)
    {
        var client = new MongoClient(await fixture.System.App.GetConnectionStringAsync("media", Cancellation));
        var files = client.GetDatabase("media").GetCollection<BsonDocument>("videos.files");
        return await files.CountDocumentsAsync(new BsonDocument("metadata.owner_email", ownerEmail), cancellationToken: Cancellation);
    }
}
