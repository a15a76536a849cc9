using System.Diagnostics;
using System.Text.Json;
using TuneSculptor.Testing;

namespace TuneSculptor.Bench;

/// <summary>When a job's milestones were reached, from the start of its upload.</summary>
public sealed record JobTiming(TimeSpan Accepted, TimeSpan Converting, TimeSpan Done, TimeSpan FirstByte, long Mp3Bytes);

/// <summary>One job end to end through the gateway, timed as a user would live it.</summary>
public static class TimedJob
{
    /// <summary>
    /// Uploads the clip, polls the job every 50 ms until done, then opens its download and reads the first bytes (the
    /// moment a user gets the mp3); the rest is read afterwards, untimed.
    /// </summary>
    public static async Task<JobTiming> ConvertAsync(GatewayClient gateway, string token, string clip, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        string jobId;
        await using (var file = File.OpenRead(clip))
        {
            jobId = await gateway.UploadForJobAsync(token, new StreamContent(file, 1024 * 1024), Path.GetFileName(clip), cancellationToken);
        }

        var accepted = stopwatch.Elapsed;
        var converting = TimeSpan.Zero;
        JsonElement job;
        while (true)
        {
            job = await gateway.GetJobAsync(token, jobId, cancellationToken);
            var status = job.GetProperty("status").GetString();
            if (status is "done" or "failed")
            {
                break;
            }

            if (status == "converting" && converting == TimeSpan.Zero)
            {
                converting = stopwatch.Elapsed;
            }

            await Task.Delay(50, cancellationToken);
        }

        // Converted between two polls: it was seen converting no earlier than done.
        var done = stopwatch.Elapsed;
        converting = converting == TimeSpan.Zero ? done : converting;
        if (job.GetProperty("status").GetString() != "done")
        {
            throw new InvalidOperationException($"Job {jobId} for {Path.GetFileName(clip)} failed: {job.GetProperty("error")}");
        }

        using var response = await gateway.DownloadAsync(token, job.GetProperty("mp3_fid").GetString()!, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[81920];
        long length = await body.ReadAsync(buffer, cancellationToken);
        var firstByte = stopwatch.Elapsed;
        if (length == 0)
        {
            throw new InvalidOperationException($"The mp3 of job {jobId} is empty.");
        }

        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            length += read;
        }

        return new JobTiming(accepted, converting, done, firstByte, length);
    }
}
