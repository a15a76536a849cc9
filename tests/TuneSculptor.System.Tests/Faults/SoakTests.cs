using System.Collections.Concurrent;
using TuneSculptor.System.Tests.Harness;
using TuneSculptor.Testing;

namespace TuneSculptor.System.Tests.Faults;

/// <summary>
/// Many small jobs from several users at once, with the converter restarted twice along the way: every job ends
/// with exactly one mp3 and one mail, and no message is left behind.
/// </summary>
[Collection(typeof(FaultCollection))]
public sealed class SoakTests(FaultSystemFixture fixture) : IDisposable
{
    private const int Users = 5;
    private const int JobsPerUser = 40;
    private const int Jobs = Users * JobsPerUser;
    private const int UploadConcurrency = 4;
    private static readonly int[] RestartAfter = [Jobs / 3, 2 * Jobs / 3];
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);

    private readonly FaultScenario _scenario = new(fixture);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_hundred_jobs_with_two_converter_restarts_give_two_hundred_mp3s_and_mails_and_no_duplicates()
    {
        var output = TestContext.Current.TestOutputHelper!;
        var video = await fixture.Media.VideoAsync("mp4");
        var users = new List<(string Email, string Token, string Id)>();
        for (var i = 0; i < Users; i++)
        {
            var (email, token) = await _scenario.Gateway.SignUpAsync(Cancellation);
            users.Add((email, token, await UserIdAsync(token)));
        }

        // Starts from an idle pipeline, so that every count below is this run's.
        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);
        await using var broker = await BrokerQueues.ConnectAsync(_scenario.System, Cancellation);
        var deadLettersBefore = await broker.CountDeadLettersAsync(Cancellation);

        // Uploads from every user at once; the converter is restarted (stop, start) after a third and after two
        // thirds of them, one restart after the other.
        var jobs = new ConcurrentBag<(string Token, string JobId)>();
        var uploaded = 0;
        var restarts = 0;
        var restarting = Task.CompletedTask;
        var gate = new Lock();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, Jobs),
            new ParallelOptions { MaxDegreeOfParallelism = UploadConcurrency, CancellationToken = Cancellation },
            async (i, token) =>
            {
                var user = users[i % Users];
                jobs.Add((user.Token, await _scenario.Gateway.UploadForJobAsync(user.Token, video, token)));
                if (RestartAfter.Contains(Interlocked.Increment(ref uploaded)))
                {
                    lock (gate)
                    {
                        restarting = RestartConverterAfterAsync(restarting);
                        restarts++;
                    }
                }
            });
        await restarting;

        // One deadline for the whole run: the last job waits for all the others.
        var deadline = DateTime.UtcNow + RunTimeout;
        var statuses = new Dictionary<string, int>();
        foreach (var (token, jobId) in jobs)
        {
            var job = await _scenario.WaitForJobAsync(token, jobId, deadline - DateTime.UtcNow, Cancellation);
            var status = job.GetProperty("status").GetString()!;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        await _scenario.WaitUntilQueuesAreEmptyAsync(Cancellation);
        var mails = new List<MailBox.Mail>();
        foreach (var user in users)
        {
            mails.AddRange(await _scenario.Mail.WaitForMailsAsync(user.Email, JobsPerUser, FaultScenario.JobTimeout, Cancellation));
        }

        var media = await MediaDatabase.ConnectAsync(_scenario.System, Cancellation);
        var mp3Jobs = await media.Mp3JobIdsOfAsync(users.Select(u => u.Id), Cancellation);
        var leftInQueues = (await broker.InspectAsync("video", Cancellation)).Ready + (await broker.InspectAsync("mp3", Cancellation)).Ready;
        var newDeadLetters = await broker.CountDeadLettersAsync(Cancellation) - deadLettersBefore;
        output.WriteLine(
            $"soak: {jobs.Count} uploads from {Users} users, converter restarted {restarts} times; " +
            $"jobs {string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"))}; " +
            $"mp3s {mp3Jobs.Count} ({mp3Jobs.Distinct().Count()} distinct jobs); mails {mails.Count} ({mails.Select(m => m.DownloadFid).Distinct().Count()} distinct links); " +
            $"left in video+mp3 {leftInQueues}; new dead letters {newDeadLetters}");

        Assert.Equal(Jobs, jobs.Count);
        Assert.Equal(RestartAfter.Length, restarts);
        Assert.Equal(Jobs, statuses.GetValueOrDefault("done"));
        Assert.Equal(Jobs, mp3Jobs.Count);
        Assert.Equal(Jobs, mp3Jobs.Distinct().Count());
        Assert.Equal(Jobs, mails.Count);
        Assert.Equal(Jobs, mails.Select(m => m.DownloadFid).Distinct().Count());
        Assert.Equal(0u, leftInQueues);
        Assert.Equal(0u, newDeadLetters);
    }

    private async Task RestartConverterAfterAsync(Task previous)
    {
        await previous;
        await _scenario.System.WhileStoppedAsync("converter", () => Task.Delay(TimeSpan.FromSeconds(1), Cancellation), FaultScenario.RecoveryTimeout, Cancellation);
    }

    private async Task<string> UserIdAsync(string token)
    {
        using var me = await _scenario.Gateway.GetMeAsync(token, Cancellation);
        return global::System.Text.Json.JsonDocument.Parse(await me.Content.ReadAsStringAsync(Cancellation)).RootElement.GetProperty("id").GetString()!;
    }

    public void Dispose() => _scenario.Dispose();
}
