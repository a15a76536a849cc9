using System.Diagnostics;
using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using TuneSculptor.Bench;
using TuneSculptor.Testing;

// The TuneSculptor benchmark (eng/bench.sh; see bench/README.md): bare ffmpeg against the running system, one job at
// a time (time and CPU, process by process) and 2×cores at once, and the gateway's and the converter's memory while a
// large file moves through. Progress goes to stderr, the Markdown table to stdout.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var ct = cancellation.Token;

// `mail-outages 60,600`: what real mail outages of those lengths (seconds) do at the default retry schedule.
if (args is ["mail-outages", var lengths, .. var rest])
{
    var outages = lengths.Split(',').Select(s => TimeSpan.FromSeconds(int.Parse(s, CultureInfo.InvariantCulture))).ToList();
    var clip = await Ffmpeg.ClipAsync(BenchOptions.Parse(rest).ClipFolder, 10, "mp4", ct);
    return await MailOutageBench.RunAsync(outages, clip, ct);
}

var options = BenchOptions.Parse(args);
// How long a job's CPU reading waits after its mp3 is downloaded, for what the job set off to finish: the notification's
// mail, and the MongoDB stand-in's snapshot of what changed (every 10 s while anything did).
var jobSettle = TimeSpan.FromSeconds(12);
var total = Stopwatch.StartNew();
static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

var report = new Report
{
    Cores = Environment.ProcessorCount,
    Cpu = ProcFs.CpuModel(),
    FfmpegVersion = await Ffmpeg.VersionAsync(ct),
    LoadAtStart = ProcFs.LoadAverage(),
    Runs = options.Runs,
    JobSettle = jobSettle,
};
Progress($"load average at start: {report.LoadAtStart}");

// MP4 for every length; the 600 s one also in the containers asked for (streamable Matroska beside it by default).
var clips = new Dictionary<(int Seconds, string Container), string>();
foreach (var (seconds, container) in options.Durations.Append(60).Distinct()
             .SelectMany(seconds => (seconds == 600 ? options.Containers : ["mp4"]).Select(container => (seconds, container))))
{
    clips[(seconds, container)] = await Ffmpeg.ClipAsync(options.ClipFolder, seconds, container, ct);
}

// For the converter's memory: a real video as large as the transfers (the 600 s MP4 played over), made up front too.
var largeClip = options.TransferMiB > 0
    ? await Ffmpeg.RepeatedClipAsync(await Ffmpeg.ClipAsync(options.ClipFolder, 600, "mp4", ct), options.TransferMiB * 1024L * 1024, ct)
    : null;

var scratch = Directory.CreateTempSubdirectory("tunesculptor-bench-mp3-");
try
{
    Progress("starting the system (host processes)");
    // One user from one address does here what many users would: the per-user limits (uploads in flight, bytes
    // stored) and the per-address upload rate are raised out of its way.
    await using var system = await HostProcessSystem.StartAsync(builder =>
    {
        HostProcessSystem.SetServiceEnvironment(builder, "gateway", "Limits__MaxUploadsInFlight", "1000");
        HostProcessSystem.SetServiceEnvironment(builder, "gateway", "Limits__MaxStoredBytes", (1L << 40).ToString(CultureInfo.InvariantCulture));
        HostProcessSystem.SetServiceEnvironment(builder, "gateway", "RateLimits__Upload__PermitLimit", "100000");
    }, ct);
    await system.WaitForHealthyAsync(ct);
    report.StartupTime = system.StartupTime;
    // No timeout per request: a GiB goes through the gateway each way. The mail server's API for the sign-up's
    // verification link.
    using var gateway = new GatewayClient(system.GetHttpEndpoint("gateway"), Timeout.InfiniteTimeSpan, system.GetHttpEndpoint("mail"));
    var (_, token) = await gateway.SignUpAsync(ct);
    // The owner_id of the user's files.
    var userId = await gateway.GetUserIdAsync(token, ct);

    // 1. One job at a time, bare ffmpeg and the system alternating. A first job of each clip is not counted: it pays
    // for JIT compilation in every service and for the MongoDB stand-in's first touch of that much memory.
    var singles = clips.Keys.Where(clip => options.Durations.Contains(clip.Seconds))
        .Select(clip => new SingleJobResult(clip.Seconds, clip.Container, Ffmpeg.FileLength(clips[clip]))).ToList();
    foreach (var single in singles)
    {
        var clip = clips[(single.Seconds, single.Container)];
        await Ffmpeg.ConvertAsync(clip, Path.Combine(scratch.FullName, "warm-up.mp3"), ct);
        single.WarmUp = await TimedJob.ConvertAsync(gateway, token, clip, ct);
        Progress($"{single.Name} clip, warm-up: end to end {single.WarmUp.FirstByte.TotalSeconds:0.00} s");
    }

    // What the system spends idle, the background in each job's CPU figures: measured once the warm-ups'
    // after-effects (the stand-in's snapshot of what they stored) are over.
    var cpu = new SystemCpu(system);
    Progress($"processes: {string.Join("; ", system.Resources.All.Select(r => $"{r} {system.ProcessIdOf(r)?.ToString(CultureInfo.InvariantCulture) ?? "-"}"))}");
    await Task.Delay(jobSettle, ct);
    report.IdleCpu = await MeasureCpuAsync(cpu, () => Task.Delay(TimeSpan.FromSeconds(10), ct));
    Progress($"idle: {report.IdleCpu.System.TotalSeconds:0.00} CPU s in {report.IdleCpu.Window.TotalSeconds:0} s ({Split(report.IdleCpu)})");

    foreach (var single in singles)
    {
        var clip = clips[(single.Seconds, single.Container)];
        for (var run = 1; run <= options.Runs; run++)
        {
            single.Bare.Add(await Ffmpeg.ConvertAloneAsync(clip, Path.Combine(scratch.FullName, $"single-{single.Seconds}.mp3"), ct));
            JobTiming? timing = null;
            // One job alone, so the difference is its own; it ends after the mp3 is read whole, and the system has
            // settled (the notification's mail, the stand-in's next snapshot).
            single.SystemCpu.Add(await MeasureCpuAsync(cpu, async () =>
            {
                timing = await TimedJob.ConvertAsync(gateway, token, clip, ct);
                await Task.Delay(jobSettle, ct);
            }));
            single.System.Add(timing!);
            var job = single.System[^1];
            var spent = single.SystemCpu[^1];
            Progress($"{single.Name} clip, run {run}: bare {single.Bare[^1].Elapsed.TotalSeconds:0.00} s ({single.Bare[^1].Cpu.TotalSeconds:0.00} CPU s), " +
                     $"end to end {job.FirstByte.TotalSeconds:0.00} s (202 at {job.Accepted.TotalSeconds:0.00} s, converting seen at " +
                     $"{job.Converting.TotalSeconds:0.00} s, done seen at {job.Done.TotalSeconds:0.00} s); " +
                     $"system {spent.System.TotalSeconds:0.00} CPU s ({Split(spent)})");
        }

        report.SingleJobs.Add(single);
    }

    // 2. Throughput: 2×cores jobs of the 60 s clip at once, against as many bare runs, one per core at a time.
    var jobs = options.Jobs;
    var throughput = new ThroughputResult(jobs, Environment.ProcessorCount);
    for (var round = 1; jobs > 0 && round <= options.Runs; round++)
    {
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            async (i, token) => await Ffmpeg.ConvertAsync(clips[(60, "mp4")], Path.Combine(scratch.FullName, $"batch-{i}.mp3"), token));
        throughput.Bare.Add(stopwatch.Elapsed);

        stopwatch.Restart();
        await Task.WhenAll(Enumerable.Range(0, jobs).Select(_ => TimedJob.ConvertAsync(gateway, token, clips[(60, "mp4")], ct)));
        throughput.System.Add(stopwatch.Elapsed);
        Progress($"throughput round {round}: bare {throughput.Bare[^1].TotalSeconds:0.00} s, " +
                 $"system {throughput.System[^1].TotalSeconds:0.00} s for {jobs} jobs");
    }

    report.Throughput = jobs > 0 ? throughput : null;

    // 3. The gateway's memory while a large file goes through it, each way.
    if (options.TransferMiB > 0)
    {
        var size = options.TransferMiB * 1024L * 1024;
        var gatewayPid = system.ServiceProcessId("gateway");
        var converterPid = system.ServiceProcessId("converter");
        var connectionString = await system.GetConnectionStringAsync("media", ct);
        // The stand-in is one thread, which a GiB in flight may keep busy for seconds (more on a busy machine): a
        // generous heartbeat timeout keeps the driver from dropping the upload's connection meanwhile.
        var mongoSettings = MongoClientSettings.FromConnectionString(connectionString);
        mongoSettings.HeartbeatTimeout = TimeSpan.FromMinutes(5);
        using var mongo = new MongoClient(mongoSettings);
        var database = mongo.GetDatabase(MongoUrl.Create(connectionString).DatabaseName);

        // Upload: any bytes will do (the job then fails: not a video), only the gateway's memory is measured.
        Progress($"gateway process {gatewayPid}: {ProcFs.CommandLine(gatewayPid)}");
        Progress($"uploading {options.TransferMiB} MiB through the gateway");
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        (var jobId, report.Upload) = await ProcessMemory.MeasureAsync(gatewayPid, size,
            () => gateway.UploadForJobAsync(token, new GeneratedContent(size), "noise.mp4", ct));

        // A form whose 'bitrate' part is that size: the gateway reads a few bytes of it, answers 400 and stores nothing.
        Progress($"sending a {options.TransferMiB} MiB 'bitrate' part through the gateway (refused)");
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        (var refusal, report.OversizedField) = await ProcessMemory.MeasureAsync(gatewayPid, size, async () =>
        {
            using var response = await gateway.PostFieldAsync(token, "bitrate", new GeneratedContent(size), ct);
            return response.StatusCode;
        });
        if (refusal != System.Net.HttpStatusCode.BadRequest)
        {
            throw new InvalidOperationException($"A {options.TransferMiB} MiB bitrate part was answered {(int)refusal}, not 400.");
        }

        // The converter finds the noise is no media; its video is then removed, so the MongoDB stand-in (all in
        // memory) does not carry it into the download.
        await gateway.WaitForJobAsync(token, jobId, TimeSpan.FromMinutes(10), ct);

        var videos = new GridFSBucket(database, new GridFSBucketOptions { BucketName = "videos" });
        foreach (var video in await (await videos.FindAsync(Builders<GridFSFileInfo>.Filter.Eq("metadata.job_id", ObjectId.Parse(jobId)), cancellationToken: ct)).ToListAsync(ct))
        {
            await videos.DeleteAsync(video.Id, ct);
        }

        // Download: an mp3 of that size, stored straight into the user's bucket as the converter would store it.
        Progress($"storing a {options.TransferMiB} MiB mp3 in GridFS, then downloading it through the gateway");
        var mp3s = new GridFSBucket(database, new GridFSBucketOptions { BucketName = "mp3s" });
        ObjectId fid;
        await using (var upload = await mp3s.OpenUploadStreamAsync("bench.mp3", new GridFSUploadOptions
                     {
                         Metadata = new BsonDocument { ["owner_id"] = userId, ["original_name"] = "bench.mp4" },
                     }, ct))
        {
            await GeneratedContent.WriteAsync(upload, size, ct);
            await upload.CloseAsync(ct);
            fid = upload.Id;
        }

        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        (var received, report.Download) = await ProcessMemory.MeasureAsync(gatewayPid, size, async () =>
        {
            using var response = await gateway.DownloadAsync(token, fid.ToString(), ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[1024 * 1024];
            long count = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                count += read;
            }

            return count;
        });
        if (received != size)
        {
            throw new InvalidOperationException($"The download returned {received} bytes, not {size}.");
        }

        await mp3s.DeleteAsync(fid, ct);

        // The converter converting a real video at least that large (the 600 s MP4 played over: its index at its end),
        // from the upload's start until the mp3's first byte; its ffmpeg, a process of its own, is not in the figure.
        var large = largeClip!;
        Progress($"converting {Path.GetFileName(large)} ({Ffmpeg.FileLength(large) / (1024.0 * 1024):0} MiB), sampling the converter");
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        (var largeJob, report.ConverterLargeVideo) = await ProcessMemory.MeasureAsync(converterPid, Ffmpeg.FileLength(large),
            () => TimedJob.ConvertAsync(gateway, token, large, ct));
        Progress($"{Path.GetFileName(large)}: end to end {largeJob.FirstByte.TotalSeconds:0.00} s, after upload {(largeJob.FirstByte - largeJob.Accepted).TotalSeconds:0.00} s");
    }

    Progress("stopping the system");
}
finally
{
    scratch.Delete(recursive: true);
}

report.LoadAtEnd = ProcFs.LoadAverage();
Progress($"load average at end: {report.LoadAtEnd}");
report.TotalTime = total.Elapsed;
Console.WriteLine(report.ToMarkdown());
return 0;

static async Task<CpuSpent> MeasureCpuAsync(SystemCpu cpu, Func<Task> during)
{
    var before = cpu.Read();
    var window = Stopwatch.StartNew();
    await during();
    var after = cpu.Read();
    return new CpuSpent(SystemCpu.Difference(before, after), window.Elapsed);
}

static string Split(CpuSpent spent) =>
    string.Join(", ", spent.ByProcess.OrderByDescending(s => s.Value).Select(s => $"{s.Key} {s.Value.TotalSeconds:0.00}"));

/// <summary>Command-line options; the defaults are the documented benchmark.</summary>
internal sealed record BenchOptions(int Runs, int[] Durations, string[] Containers, int Jobs, int TransferMiB, string ClipFolder)
{
    public static BenchOptions Parse(string[] args)
    {
        var runs = 3;
        int[] durations = [10, 60, 600];
        string[] containers = ["mp4", "mkv"];
        var jobs = Environment.ProcessorCount * 2;
        var transferMiB = 1024;
        string? clipFolder = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--runs": runs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--durations": durations = value.Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--containers": containers = value.Split(','); break;
                case "--jobs": jobs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--transfer-mib": transferMiB = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--clips": clipFolder = value; break;
                default:
                    throw new ArgumentException(
                        $"Unknown option {args[i]}. Options: --runs N (3), --durations 10,60,600, --containers mp4,mkv (of the 600 s clip), --jobs N (2×cores; 0 skips throughput), " +
                        "--transfer-mib N (1024; 0 skips the memory part), --clips DIR (bench/.clips).");
            }

            i++;
        }

        return new BenchOptions(runs, durations, containers, jobs, transferMiB, clipFolder ?? Repository.PathTo(Path.Combine("bench", ".clips")));
    }
}
