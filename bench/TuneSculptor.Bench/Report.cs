using System.Globalization;
using System.Text;

namespace TuneSculptor.Bench;

public sealed record SingleJobResult(int Seconds, long FileBytes)
{
    /// <summary>The first job of this clip, not counted.</summary>
    public JobTiming? WarmUp { get; set; }

    public List<TimeSpan> Bare { get; } = [];
    public List<JobTiming> System { get; } = [];
}

public sealed record ThroughputResult(int Jobs, int BareParallelism)
{
    public List<TimeSpan> Bare { get; } = [];
    public List<TimeSpan> System { get; } = [];
}

public sealed record TransferResult(long Bytes, TimeSpan Elapsed, long Baseline, long Peak, int Samples, long? KernelPeak);

/// <summary>Every figure of a run, and the Markdown table they make.</summary>
public sealed class Report
{
    /// <summary>Targets: end to end at most 10 % over bare ffmpeg on the 600 s clip, at most 0.5 s over it on 10 s.</summary>
    public const double MaxRatio600 = 1.10;
    public static readonly TimeSpan MaxOverhead10 = TimeSpan.FromSeconds(0.5);
    public const long MaxGrowthBytes = 64L * 1024 * 1024;

    public int Cores { get; init; }
    public required string Cpu { get; init; }
    public required string FfmpegVersion { get; init; }
    public required string LoadAtStart { get; init; }
    public string LoadAtEnd { get; set; } = "";
    public int Runs { get; init; }
    public TimeSpan StartupTime { get; set; }
    public List<SingleJobResult> SingleJobs { get; } = [];
    public ThroughputResult? Throughput { get; set; }
    public TransferResult? Upload { get; set; }
    public TransferResult? Download { get; set; }

    /// <summary>A form whose <c>bitrate</c> part is as large as the upload: refused after a few bytes of it.</summary>
    public TransferResult? OversizedField { get; set; }
    public TimeSpan TotalTime { get; set; }

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("## TuneSculptor benchmark");
        md.AppendLine();
        md.AppendLine("| machine | |");
        md.AppendLine("|---|---|");
        md.AppendLine($"| cores | {Cores} |");
        md.AppendLine($"| CPU | {Cpu} |");
        md.AppendLine($"| ffmpeg | {FfmpegVersion.Replace("Copyright", "", StringComparison.Ordinal).Split("(c)")[0].Trim()} |");
        md.AppendLine($"| .NET | {Environment.Version} |");
        md.AppendLine($"| load average (1, 5, 15 min) at start / end | {LoadAtStart} / {LoadAtEnd} |");
        md.AppendLine($"| system start (all resources healthy) | {S(StartupTime)} |");
        md.AppendLine($"| whole benchmark | {TotalTime.TotalMinutes:0.0} min |");
        md.AppendLine();

        md.AppendLine($"### One job at a time (median of {Runs})");
        md.AppendLine();
        md.AppendLine("End to end: upload start → job `done` (polled every 50 ms) → first bytes of `GET /download`. " +
                      "Bare: `ffmpeg -i IN -vn -c:a libmp3lame -q:a 2 OUT`. Each clip's first job is a warm-up, not counted.");
        md.AppendLine();
        md.AppendLine("| clip | file | bare ffmpeg | end to end | ratio | end to end − bare | target | met | warm-up job |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var job in SingleJobs)
        {
            var bare = Median(job.Bare);
            var e2e = Median(job.System.Select(t => t.FirstByte));
            var ratio = e2e / bare;
            var (target, met) = job.Seconds switch
            {
                600 => ($"ratio ≤ {MaxRatio600:0.00}", Yes(ratio <= MaxRatio600)),
                10 => ($"≤ bare + {MaxOverhead10.TotalSeconds:0.0} s", Yes(e2e - bare <= MaxOverhead10)),
                _ => ("—", "—"),
            };
            md.AppendLine($"| {job.Seconds} s | {Size(job.FileBytes)} | {S(bare)} | {S(e2e)} | {ratio:0.00} | {Delta(e2e - bare)} | {target} | {met} | {(job.WarmUp is { } warm ? S(warm.FirstByte) : "—")} |");
        }

        md.AppendLine();
        md.AppendLine($"Where the end-to-end time goes (median of each step):");
        md.AppendLine();
        md.AppendLine("| clip | upload → 202 | 202 → seen `converting` | `converting` → seen `done` | `done` → first mp3 byte | upload rate | mp3 |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var job in SingleJobs)
        {
            var accepted = Median(job.System.Select(t => t.Accepted));
            md.AppendLine($"| {job.Seconds} s | {S(accepted)} | {S(Median(job.System.Select(t => t.Converting - t.Accepted)))} | " +
                          $"{S(Median(job.System.Select(t => t.Done - t.Converting)))} | " +
                          $"{S(Median(job.System.Select(t => t.FirstByte - t.Done)))} | {Rate(job.FileBytes, accepted)} | " +
                          $"{Size(job.System[0].Mp3Bytes)} |");
        }

        if (Throughput is { } throughput)
        {
            var bare = Median(throughput.Bare);
            var system = Median(throughput.System);
            var bareRate = throughput.Jobs / bare.TotalMinutes;
            var systemRate = throughput.Jobs / system.TotalMinutes;
            md.AppendLine();
            md.AppendLine($"### Throughput: {throughput.Jobs} jobs of the 60 s clip at once (2 × cores unless --jobs says otherwise; median of {Runs} rounds)");
            md.AppendLine();
            md.AppendLine("| | how | wall time | jobs per minute |");
            md.AppendLine("|---|---|---|---|");
            md.AppendLine($"| bare ffmpeg | {throughput.BareParallelism} at a time (one per core) | {S(bare)} | {bareRate:0.0} |");
            md.AppendLine($"| system, end to end | {throughput.Jobs} uploaded at once, each polled until its mp3 downloads | {S(system)} | {systemRate:0.0} |");
            md.AppendLine($"| system / bare | | | {systemRate / bareRate:0.00} |");
        }

        if (Upload is not null || Download is not null)
        {
            md.AppendLine();
            md.AppendLine("### Gateway memory (VmRSS of its process, sampled every 100 ms)");
            md.AppendLine();
            md.AppendLine("| transfer | size | time | rate | baseline | peak (samples) | growth | kernel peak (VmHWM) | target | met |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var (name, transfer) in new[]
                     {
                         ("upload (`POST /upload`)", Upload),
                         ("a `bitrate` part, refused (`POST /upload` → 400)", OversizedField),
                         ("download (`GET /download`)", Download),
                     })
            {
                if (transfer is null)
                {
                    continue;
                }

                var growth = transfer.Peak - transfer.Baseline;
                var kernelPeak = transfer.KernelPeak is { } hwm ? MiB(hwm) : "n/a";
                md.AppendLine($"| {name} | {MiB(transfer.Bytes)} | {S(transfer.Elapsed)} | {Rate(transfer.Bytes, transfer.Elapsed)} | " +
                              $"{MiB(transfer.Baseline)} | {MiB(transfer.Peak)} ({transfer.Samples}) | {MiB(growth)} | {kernelPeak} | " +
                              $"< {MiB(MaxGrowthBytes)} | {Yes(growth < MaxGrowthBytes)} |");
            }
        }

        md.AppendLine();
        md.AppendLine("MiB = 2^20 bytes. Other work on the machine shares the cores: see the load averages.");
        return md.ToString();
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1
            ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string S(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.00} s");

    private static string Delta(TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:+0.00;-0.00} s");

    private static string Size(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0} KiB")
        : MiB(bytes);

    private static string MiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.0} MiB");

    private static string Rate(long bytes, TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0 / time.TotalSeconds:0} MiB/s");

    private static string Yes(bool met) => met ? "yes" : "**no**";
}
