using System.Globalization;
using System.Text;

namespace TuneSculptor.Bench;

public sealed record SingleJobResult(int Seconds, string Container, long FileBytes)
{
    public string Name => Container == "mp4" ? $"{Seconds} s" : $"{Seconds} s ({Container})";

    /// <summary>The first job of this clip, not counted.</summary>
    public JobTiming? WarmUp { get; set; }

    public List<BareRun> Bare { get; } = [];
    public List<JobTiming> System { get; } = [];

    /// <summary>What each job cost in CPU, process by process, in the same order as <see cref="System"/>.</summary>
    public List<CpuSpent> SystemCpu { get; } = [];
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

    /// <summary>Target on the 600 s clips from the upload's 202 to the first mp3 byte: at most 1.2 × bare + 0.2 s.</summary>
    public const double MaxAfterUploadFactor600 = 1.2;
    public static readonly TimeSpan MaxAfterUploadExtra600 = TimeSpan.FromSeconds(0.2);
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

    /// <summary>The converter's memory while it converts a real video as large as the transfers (upload start → first mp3 byte).</summary>
    public TransferResult? ConverterLargeVideo { get; set; }

    /// <summary>What the system spends idle, measured once before the counted jobs.</summary>
    public CpuSpent? IdleCpu { get; set; }

    /// <summary>How long after its download a job's CPU is read.</summary>
    public TimeSpan JobSettle { get; init; }

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
        md.AppendLine("After upload: from the upload's 202 to the first mp3 byte, what the user waits once the file is sent.");
        md.AppendLine();
        md.AppendLine("| clip | file | bare ffmpeg | end to end | ratio | end to end − bare | target | met | after upload | ratio | target | met | warm-up job |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var job in SingleJobs)
        {
            var bare = Median(job.Bare.Select(b => b.Elapsed));
            var e2e = Median(job.System.Select(t => t.FirstByte));
            var ratio = e2e / bare;
            var (target, met) = job.Seconds switch
            {
                600 => ($"ratio ≤ {MaxRatio600:0.00}", Yes(ratio <= MaxRatio600)),
                10 => ($"≤ bare + {MaxOverhead10.TotalSeconds:0.0} s", Yes(e2e - bare <= MaxOverhead10)),
                _ => ("—", "—"),
            };
            var afterUpload = Median(job.System.Select(t => t.FirstByte - t.Accepted));
            var (afterTarget, afterMet) = job.Seconds == 600
                ? ($"≤ {MaxAfterUploadFactor600:0.0} × bare + {MaxAfterUploadExtra600.TotalSeconds:0.0} s",
                   Yes(afterUpload <= bare * MaxAfterUploadFactor600 + MaxAfterUploadExtra600))
                : ("—", "—");
            md.AppendLine($"| {job.Name} | {Size(job.FileBytes)} | {S(bare)} | {S(e2e)} | {ratio:0.00} | {Delta(e2e - bare)} | {target} | {met} | " +
                          $"{S(afterUpload)} | {afterUpload / bare:0.00} | {afterTarget} | {afterMet} | {(job.WarmUp is { } warm ? S(warm.FirstByte) : "—")} |");
        }

        md.AppendLine();
        md.AppendLine($"Where the end-to-end time goes (median of each step):");
        md.AppendLine();
        md.AppendLine("| clip | upload → 202 | 202 → seen `converting` | `converting` → seen `done` | `done` → first mp3 byte | upload rate | mp3 |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var job in SingleJobs)
        {
            var accepted = Median(job.System.Select(t => t.Accepted));
            md.AppendLine($"| {job.Name} | {S(accepted)} | {S(Median(job.System.Select(t => t.Converting - t.Accepted)))} | " +
                          $"{S(Median(job.System.Select(t => t.Done - t.Converting)))} | " +
                          $"{S(Median(job.System.Select(t => t.FirstByte - t.Done)))} | {Rate(job.FileBytes, accepted)} | " +
                          $"{Size(job.System[0].Mp3Bytes)} |");
        }

        if (SingleJobs.Any(job => job.SystemCpu.Count > 0))
        {
            AppendCpu(md);
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
            md.AppendLine("### Memory (VmRSS of the gateway's process, and of the converter's, sampled every 100 ms)");
            md.AppendLine();
            md.AppendLine("| transfer | size | time | rate | baseline | peak (samples) | growth | kernel peak (VmHWM) | target | met |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var (name, transfer) in new[]
                     {
                         ("upload (`POST /upload`)", Upload),
                         ("a `bitrate` part, refused (`POST /upload` → 400)", OversizedField),
                         ("download (`GET /download`)", Download),
                         ("**converter**, converting a video that large (the 600 s MP4 played over; upload start → first mp3 byte)", ConverterLargeVideo),
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

    /// <summary>Display names of the processes, in the order of a job's path; any other shows under its resource name.</summary>
    private static readonly (string Key, string Name)[] CpuColumns =
    [
        ("gateway", "gateway"), ("mongodb", "MongoDB stand-in (node)"), ("converter", "converter"),
        (SystemCpu.ChildrenOf("converter"), "ffmpeg (converter's child)"), ("notification", "notification"), ("auth", "auth"),
        ("rabbitmq", "RabbitMQ (beam.smp)"), ("mysql", "MariaDB"), ("mail", "smtp4dev"),
    ];

    private void AppendCpu(StringBuilder md)
    {
        var jobs = SingleJobs.Where(job => job.SystemCpu.Count > 0).ToList();
        // A service's children show only where it had any (the converter's ffmpeg).
        var keys = jobs.SelectMany(job => job.SystemCpu.SelectMany(cpu => cpu.ByProcess))
            .Where(spent => spent.Value > TimeSpan.Zero || !spent.Key.EndsWith("/children", StringComparison.Ordinal))
            .Select(spent => spent.Key).ToHashSet();
        var columns = CpuColumns.Where(column => keys.Contains(column.Key))
            .Concat(keys.Where(key => key != SystemCpu.Orchestrator && CpuColumns.All(column => column.Key != key)).Order().Select(key => (key, key)))
            .Append((SystemCpu.Orchestrator, "Aspire DCP (development only; not in the system's figures)"))
            .ToList();

        md.AppendLine();
        md.AppendLine($"### CPU seconds per job (median of {Runs})");
        md.AppendLine();
        md.AppendLine("User + system CPU of every process of the system (`/proc/PID/stat`: utime + stime of each live process, plus " +
                      "cutime + cstime, the children it has reaped, such as the converter's ffmpeg), read before the upload and again " +
                      "after the mp3 is downloaded whole and the system has had " + S(JobSettle) + " to settle. Bare: the bare ffmpeg " +
                      "process's own (the rusage of the benchmark's reaped child). Idle: what the idle system spends in a window as long " +
                      "(last row: its rate per 10 s), an estimate of the background inside each job's figures.");
        md.AppendLine();
        md.AppendLine($"| clip | bare ffmpeg | system | system / bare | idle in the window | (system − idle) / bare | {string.Join(" | ", columns.Select(column => column.Item2))} |");
        md.AppendLine($"|---|---|---|---|---|---|{string.Concat(columns.Select(_ => "---|"))}");
        foreach (var job in jobs)
        {
            var bare = Median(job.Bare.Select(b => b.Cpu));
            var system = Median(job.SystemCpu.Select(cpu => cpu.System));
            var idle = IdleCpu is { } idleCpu ? idleCpu.System * (Median(job.SystemCpu.Select(cpu => cpu.Window)) / idleCpu.Window) : TimeSpan.Zero;
            md.AppendLine($"| {job.Name} | {S(bare)} | {S(system)} | {system / bare:0.00} | {S(idle)} | {(system - idle) / bare:0.00} | " +
                          $"{string.Join(" | ", columns.Select(column => S(Median(job.SystemCpu.Select(cpu => cpu.ByProcess.GetValueOrDefault(column.Item1))))))} |");
        }

        if (IdleCpu is { } rate)
        {
            var per10 = TimeSpan.FromSeconds(10) / rate.Window;
            md.AppendLine($"| idle, per 10 s | — | {S(rate.System * per10)} | — | — | — | " +
                          $"{string.Join(" | ", columns.Select(column => S(rate.ByProcess.GetValueOrDefault(column.Item1) * per10)))} |");
        }
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
