using System.Text.Json;
using System.Text.RegularExpressions;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.System.Tests.Pipeline;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Faults;

/// <summary>What each fault test needs: a user on the fault system, and ways to see where the pipeline stands.</summary>
public sealed partial class FaultScenario(FaultSystemFixture fixture) : IDisposable
{
    public static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    public HostProcessSystem System => fixture.System;

    public GatewayClient Gateway { get; } = new(fixture.System.GetHttpEndpoint("gateway"), mail: fixture.System.GetHttpEndpoint("mail"));

    public MailBox Mail { get; } = new(fixture.System.GetHttpEndpoint("mail"));

    /// <summary>
    /// How each mid-conversion fault begins: once the system is quiet, a new user uploads the fixture's long video
    /// (<see cref="FaultSystemFixture.LongVideo"/>), and this returns when its ffmpeg runs.
    /// </summary>
    public async Task<LongConversion> StartLongConversionAsync(CancellationToken cancellationToken)
    {
        await WaitUntilQueuesAreEmptyAsync(cancellationToken);
        var (email, token) = await Gateway.SignUpAsync(cancellationToken);
        var jobId = await Gateway.UploadForJobAsync(token, fixture.LongVideo, cancellationToken);
        var scratchFolder = await WaitForFfmpegAsync(cancellationToken);
        return new LongConversion(email, token, jobId, scratchFolder);
    }

    /// <summary>
    /// Waits until ffmpeg runs for a job of this system (a child of the converter, found by the run marker it
    /// inherits and the converter's scratch folder in its arguments): the moment "mid-conversion" means. Returns
    /// the converter's own scratch folder (<c>…/tunesculptor-converter/{owner}</c>).
    /// </summary>
    public async Task<string> WaitForFfmpegAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var ffmpeg = ProcessesOfThisSystem().Select(p => ScratchFolderPattern().Match(p)).FirstOrDefault(m => m.Success);
            if (ffmpeg is not null)
            {
                return ffmpeg.Groups["owner"].Value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"ffmpeg did not start within {JobTimeout.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>This system's processes (found by the run marker they inherit), with their command lines.</summary>
    public IReadOnlyList<string> ProcessesOfThisSystem() =>
        ProcFs.WithEnvironmentEntry($"{HostProcessSystem.RunMarkerVariable}={System.RunId}");

    /// <summary>
    /// <see cref="GatewayClient.WaitForJobAsync"/> for a finished job; on timeout the failure says where the pipeline
    /// stands (queues, consumers, the services' last lines), since a fault test's system is gone afterwards.
    /// </summary>
    public async Task<JsonElement> WaitForJobAsync(string token, string jobId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await Gateway.WaitForJobAsync(token, jobId, timeout, cancellationToken);
        }
        catch (TimeoutException timedOut)
        {
            string queues;
            try
            {
                await using var broker = await BrokerQueues.ConnectAsync(System, cancellationToken);
                var video = await broker.InspectAsync("video", cancellationToken);
                var mp3 = await broker.InspectAsync("mp3", cancellationToken);
                queues = $"video: {video.Ready} ready, {video.Consumers} consumers; mp3: {mp3.Ready} ready, {mp3.Consumers} consumers";
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                queues = $"queues unknown: {ex.Message}";
            }

            throw new TimeoutException(
                $"{timedOut.Message} {queues}\n--- converter:\n{System.RecentLogs("converter", 60)}\n--- gateway:\n{System.RecentLogs("gateway", 20)}", timedOut);
        }
    }

    /// <summary>Waits until the resource logs a line containing <paramref name="text"/> after <paramref name="mark"/>.</summary>
    public async Task WaitForLogAsync(string resourceName, long mark, string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!System.LogsSince(resourceName, mark).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{resourceName} did not log \"{text}\" within {timeout.TotalSeconds:0} s:\n{System.RecentLogs(resourceName)}");
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>
    /// Waits until nothing is waiting in the pipeline's queues: so that every mail that will come has come, or, before
    /// a test, so that what an earlier test left does not stand in its way.
    /// </summary>
    public async Task WaitUntilQueuesAreEmptyAsync(CancellationToken cancellationToken)
    {
        await using var broker = await BrokerQueues.ConnectAsync(System, cancellationToken);
        var deadline = DateTime.UtcNow + JobTimeout;
        while ((await broker.InspectAsync("video", cancellationToken)).Ready + (await broker.InspectAsync("mp3", cancellationToken)).Ready > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The queues did not drain within {JobTimeout.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        // A message just taken is not "ready" but still in hand; the services settle within a moment.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
    }

    public void Dispose()
    {
        Gateway.Dispose();
        Mail.Dispose();
    }

    [GeneratedRegex(@"^\d+: \S*ffmpeg .*?(?<owner>/\S*/tunesculptor-converter/[^/\s]+)/")]
    private static partial Regex ScratchFolderPattern();
}

/// <summary>A long video being converted: its owner (<paramref name="Email"/>, <paramref name="Token"/>), its job, and the converter's scratch folder.</summary>
public sealed record LongConversion(string Email, string Token, string JobId, string ScratchFolder);
