using System.Diagnostics;
using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;

namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// Where jobs keep their temp files: <c>{ScratchFolder}/{owner}/job-…</c>, one owner folder per converter
/// process, which holds an exclusive lock on <c>{owner}.lock</c> for its whole life. A converter killed outright
/// (SIGKILL, the OOM killer) cannot clean up, and its folder may hold a copy of a large video and an ffmpeg still
/// writing into it: the next converter to start on the machine (or in the pod) stops those processes and deletes
/// every owner folder whose lock nobody holds any more.
/// </summary>
public sealed partial class ScratchFolders : IDisposable
{
    private readonly string _lockPath;
    private readonly string _owner;
    private readonly FileStream _lock;

    public ScratchFolders(IOptions<ConverterOptions> options, ILogger<ScratchFolders> logger)
    {
        var parent = Directory.CreateDirectory(options.Value.ScratchFolder).FullName;
        var name = $"{Environment.ProcessId}-{Guid.NewGuid():N}";
        _lockPath = Path.Combine(parent, $"{name}.lock");
        // Locked before the folder exists, so a converter starting meanwhile cannot take the folder for abandoned
        // (FileShare.None is an exclusive flock on Linux, released by the kernel however the process ends).
        _lock = new FileStream(_lockPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        _owner = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        DeleteAbandoned(parent, logger);
    }

    /// <summary>A new empty folder for one conversion; the caller deletes it.</summary>
    public DirectoryInfo CreateForJob(JobId jobId) =>
        Directory.CreateDirectory(Path.Combine(_owner, $"job-{jobId}-{Path.GetRandomFileName()}"));

    /// <summary>
    /// Throws <see cref="ScratchSpaceException"/> (a transient failure: the job is retried later, maybe elsewhere) when
    /// the scratch folder's file system has less than <paramref name="bytes"/> free: a job must not fill the disk that
    /// every conversion on the machine, or in the pod, shares.
    /// </summary>
    public void EnsureRoomFor(long bytes)
    {
        var free = new DriveInfo(_owner).AvailableFreeSpace;
        if (free < bytes)
        {
            throw new ScratchSpaceException($"The scratch folder {_owner} has {free} bytes free; a job may need {bytes}.");
        }
    }

    public void Dispose()
    {
        Directory.Delete(_owner, recursive: true);
        File.Delete(_lockPath);
        _lock.Dispose();
    }

    private void DeleteAbandoned(string parent, ILogger logger)
    {
        foreach (var lockPath in Directory.EnumerateFiles(parent, "*.lock"))
        {
            if (lockPath == _lockPath || !TryTakeOver(lockPath, out var takenOver))
            {
                continue;
            }

            using (takenOver)
            {
                var folder = Path.ChangeExtension(lockPath, null);
                var stopped = StopProcessesWorkingIn(folder);
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                File.Delete(lockPath);
                LogDeletedAbandoned(logger, folder, stopped);
            }
        }
    }

    private static bool TryTakeOver(string lockPath, out FileStream? takenOver)
    {
        try
        {
            takenOver = new FileStream(lockPath, FileMode.Open, FileAccess.Write, FileShare.None);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Held by a running converter (or gone already: another one cleaned it up).
            takenOver = null;
            return false;
        }
    }

    /// <summary>Kills the processes (an orphaned ffmpeg) whose command line names <paramref name="folder"/>; Linux only.</summary>
    private static int StopProcessesWorkingIn(string folder)
    {
        if (!Directory.Exists("/proc"))
        {
            return 0;
        }

        var stopped = 0;
        foreach (var processFolder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(processFolder), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(processFolder, "cmdline")).Contains(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    stopped++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Exited meanwhile, or not ours to read.
            }
        }

        return stopped;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted {Folder}, left by a converter that did not stop cleanly; stopped {Processes} processes still working in it")]
    private static partial void LogDeletedAbandoned(ILogger logger, string folder, int processes);
}
