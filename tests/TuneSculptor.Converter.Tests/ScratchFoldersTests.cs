using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;
using TuneSculptor.Converter.Conversion;

namespace TuneSculptor.Converter.Tests;

/// <summary>Real folders, locks and processes: what a converter killed outright leaves, and what a running one keeps.</summary>
public sealed class ScratchFoldersTests : IDisposable
{
    private static readonly JobId Job = JobId.Parse("0123456789abcdef0123abcd");

    private readonly string _parent = Directory.CreateTempSubdirectory("scratch-folders-tests-").FullName;

    [Fact]
    public void A_folder_whose_converter_died_is_deleted_and_the_process_still_working_in_it_stopped()
    {
        // As a SIGKILLed converter leaves it: a lock file nobody holds, its folder, and its ffmpeg still reading.
        var abandoned = Path.Combine(_parent, "4242-abandoned");
        var source = Path.Combine(abandoned, "job-1", "source");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        File.WriteAllText(source, "video");
        File.WriteAllText($"{abandoned}.lock", "");
        using var orphan = Process.Start("sh", ["-c", "while :; do sleep 0.2; done", source]);
        try
        {
            using var scratch = Start();

            Assert.False(Directory.Exists(abandoned));
            Assert.False(File.Exists($"{abandoned}.lock"));
            Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(10)), "the process working in the abandoned folder still runs");
        }
        finally
        {
            if (!orphan.HasExited)
            {
                orphan.Kill();
            }
        }
    }

    [Fact]
    public void The_folder_of_a_running_converter_is_kept()
    {
        using var running = Start();
        var job = running.CreateForJob(Job);
        File.WriteAllText(Path.Combine(job.FullName, "source"), "video");

        using var starting = Start();

        Assert.True(File.Exists(Path.Combine(job.FullName, "source")));
        Assert.Equal(2, Directory.EnumerateFiles(_parent, "*.lock").Count());
    }

    [Fact]
    public void A_converter_that_stops_leaves_nothing()
    {
        var scratch = Start();
        File.WriteAllText(Path.Combine(scratch.CreateForJob(Job).FullName, "source"), "video");

        scratch.Dispose();

        Assert.Empty(Directory.EnumerateFileSystemEntries(_parent));
    }

    [Fact]
    public void A_job_that_may_not_fit_in_the_free_space_is_refused_as_a_failure_to_retry()
    {
        using var scratch = Start();
        var free = new DriveInfo(_parent).AvailableFreeSpace;

        scratch.EnsureRoomFor(Math.Min(free, 1024 * 1024));
        var refused = Assert.Throws<ScratchSpaceException>(() => scratch.EnsureRoomFor(free + (1L << 40)));
        Assert.IsAssignableFrom<IOException>(refused); // not a PermanentFailureException: retried later
        // Meanwhile its owner reads why, in a few words, never the message meant for the log.
        Assert.Equal("converters busy", ConversionFailureReasons.Describe(refused));
        Assert.Equal("temporary problem", ConversionFailureReasons.Describe(new IOException("Broken pipe")));
    }

    private ScratchFolders Start() =>
        new(Options.Create(new ConverterOptions { ScratchFolder = _parent }), NullLogger<ScratchFolders>.Instance);

    public void Dispose() => Directory.Delete(_parent, recursive: true);
}
