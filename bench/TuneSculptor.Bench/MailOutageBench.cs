using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TuneSculptor.Testing;

namespace TuneSculptor.Bench;

/// <summary>
/// What a real mail outage does at the services' own retry schedule (no test settings): for each outage length, the mail
/// server is stopped, a job converted, the server started again when the outage is over, and the job's mail awaited.
/// It prints when each try was made, when the mail arrived and whether anything was dead-lettered: the behaviour
/// issue 17 promises ("an outage shorter than the schedule loses nothing"), measured once rather than asserted,
/// because it takes as long as the outages themselves.
/// </summary>
public static partial class MailOutageBench
{
    private const string MailServer = "mail";

    public static async Task<int> RunAsync(IReadOnlyList<TimeSpan> outages, string clip, CancellationToken cancellationToken)
    {
        Progress("starting the system (host processes, the services' own retry schedules)");
        await using var system = await HostProcessSystem.StartHealthyAsync(configure: null, cancellationToken);
        using var gateway = new GatewayClient(system.GetHttpEndpoint("gateway"), mail: system.GetHttpEndpoint(MailServer));
        using var mailBox = new MailBox(system.GetHttpEndpoint(MailServer));

        var results = new List<OutageResult>();
        foreach (var outage in outages)
        {
            // A user per outage, signed up while the mail server is up (the verification mail needs it).
            var (email, token) = await gateway.SignUpAsync(cancellationToken);
            results.Add(await MeasureAsync(system, gateway, mailBox, email, token, clip, outage, cancellationToken));
        }

        Console.WriteLine(ToMarkdown(results));
        return 0;
    }

    private static async Task<OutageResult> MeasureAsync(
        HostProcessSystem system, GatewayClient gateway, MailBox mailBox, string email, string token, string clip, TimeSpan outage,
        CancellationToken cancellationToken)
    {
        var mark = system.LogMark("notification");
        var clock = Stopwatch.StartNew();
        await system.StopAsync(MailServer, cancellationToken);
        Progress($"{outage.TotalSeconds:0} s outage: mail server stopped");

        var jobId = await gateway.UploadForJobAsync(token, clip, cancellationToken);
        await gateway.WaitForJobAsync(token, jobId, TimeSpan.FromMinutes(5), cancellationToken);
        var done = clock.Elapsed;
        Progress($"job {jobId} done at {done.TotalSeconds:0} s");

        // The tries, timed by when their log line appears (polled each second).
        var tries = new List<TimeSpan>();
        void CollectTries()
        {
            var count = Regex.Count(system.LogsSince("notification", mark), $"Job {jobId} on mp3 failed on attempt");
            while (tries.Count < count)
            {
                tries.Add(clock.Elapsed);
                Progress($"try {tries.Count} failed at {clock.Elapsed.TotalSeconds:0} s");
            }
        }

        while (clock.Elapsed < outage)
        {
            CollectTries();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        await system.StartAgainAsync(MailServer, TimeSpan.FromMinutes(2), cancellationToken);
        var back = clock.Elapsed;
        Progress($"mail server back at {back.TotalSeconds:0} s");

        // The schedule's longest wait is 30 min: the mail comes within that of the server's return, or it never does.
        var deadline = back + TimeSpan.FromMinutes(35);
        TimeSpan? mailed = null;
        while (clock.Elapsed < deadline)
        {
            CollectTries();
            if ((await mailBox.ToAsync(email, cancellationToken)).Count > 0)
            {
                mailed = clock.Elapsed;
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        var logs = system.LogsSince("notification", mark);
        var mails = (await mailBox.ToAsync(email, cancellationToken)).Count;
        var deadLettered = logs.Contains($"Job {jobId} on mp3 failed on its last attempt", StringComparison.Ordinal);
        Progress(mailed is { } at ? $"mailed at {at.TotalSeconds:0} s" : "no mail");
        return new OutageResult(outage, done, tries, back, mailed, mails, deadLettered);
    }

    private static string ToMarkdown(IReadOnlyList<OutageResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Mail outages at the default schedule (mails: first retry after 5 s, doubling to 30 min, for 6 h); times from the mail server's stop. {Environment.ProcessorCount} cores.");
        text.AppendLine();
        text.AppendLine("| outage | job done | failed tries (when) | server back | mail arrived | mail after the server's return | mails | dead-lettered |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var result in results)
        {
            var tries = string.Join(", ", result.Tries.Select(t => $"{t.TotalSeconds:0}"));
            var mailed = result.Mailed is { } at ? $"{at.TotalSeconds:0} s" : "never";
            var wait = result.Mailed is { } arrived ? $"{(arrived - result.Back).TotalSeconds:0} s" : "—";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {result.Outage.TotalSeconds:0} s | {result.Done.TotalSeconds:0} s | {result.Tries.Count} ({tries} s) | {result.Back.TotalSeconds:0} s | {mailed} | {wait} | {result.Mails} | {(result.DeadLettered ? "yes" : "no")} |");
        }

        return text.ToString();
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private sealed record OutageResult(
        TimeSpan Outage, TimeSpan Done, IReadOnlyList<TimeSpan> Tries, TimeSpan Back, TimeSpan? Mailed, int Mails, bool DeadLettered);
}
