using System.Text.Json;
using TuneSculptor.System.Tests.WholeSystem;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>A conversion's progress as its owner polls it through the gateway, while the real converter runs ffmpeg.</summary>
[Collection(typeof(SystemCollection))]
public sealed class ProgressTests(SystemFixture fixture) : IDisposable
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(180);

    private readonly GatewayClient _gateway = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));
    private readonly MediaSamples _media = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_converting_job_shows_progress_rising_between_0_and_100_and_ends_done_at_100()
    {
        var (_, token) = await _gateway.SignUpAsync(Cancellation);
        var jobId = await _gateway.UploadForJobAsync(token, await _media.LongVideoAsync(), Cancellation);

        var seen = new List<(string Status, JsonElement Progress)>();
        var deadline = DateTime.UtcNow + JobTimeout;
        JsonElement job;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {jobId} not finished; seen: {Describe(seen)}");
            await Task.Delay(200, Cancellation);
            job = await _gateway.GetJobAsync(token, jobId, Cancellation);
            seen.Add((job.GetProperty("status").GetString()!, job.GetProperty("progress").Clone()));
        }
        while (seen[^1].Status is "queued" or "converting");

        TestContext.Current.TestOutputHelper?.WriteLine(Describe(seen));
        Assert.Equal("done", seen[^1].Status);
        Assert.Equal(100, seen[^1].Progress.GetDouble());
        Assert.All(seen.Where(s => s.Status == "queued"), s => Assert.Equal(JsonValueKind.Null, s.Progress.ValueKind));
        var converting = seen.Where(s => s.Status == "converting" && s.Progress.ValueKind == JsonValueKind.Number)
            .Select(s => s.Progress.GetDouble()).ToList();
        Assert.All(converting, value => Assert.InRange(value, 0, 99.9));
        Assert.All(converting.Zip(converting.Skip(1)), pair => Assert.True(pair.Second >= pair.First, Describe(seen)));
        // Seen moving, not only at its ends: more than one value strictly between 0 and 100.
        Assert.True(converting.Where(value => value is > 0 and < 100).Distinct().Count() >= 2, Describe(seen));
    }

    public void Dispose()
    {
        _media.Dispose();
        _gateway.Dispose();
    }

    private static string Describe(IEnumerable<(string Status, JsonElement Progress)> seen) =>
        string.Join(", ", seen.Select(s => $"{s.Status} {s.Progress}"));
}
