using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TuneSculptor.System.Tests.Pipeline;

/// <summary>Media files made for the test with the machine's ffmpeg, and what ffprobe says of files.</summary>
public sealed class MediaSamples : IDisposable
{
    public const double SampleSeconds = 5;
    public const string Title = "Sample Title";
    public const string Artist = "Sample Artist";

    /// <summary>Container (file extension) → ffmpeg output options, one per common format.</summary>
    public static readonly IReadOnlyDictionary<string, string> Formats = new Dictionary<string, string>
    {
        ["mp4"] = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac",
        ["mov"] = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac",
        ["m4v"] = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -f ipod",
        ["mkv"] = "-c:v libx264 -preset ultrafast -c:a libvorbis",
        ["webm"] = "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -c:a libopus",
        ["avi"] = "-c:v mpeg4 -c:a libmp3lame",
        ["flv"] = "-c:v flv -c:a libmp3lame -ar 44100",
        ["ts"] = "-c:v libx264 -preset ultrafast -c:a aac -f mpegts",
        ["3gp"] = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -s 176x144 -c:a aac -ar 22050",
        ["wmv"] = "-c:v wmv2 -c:a wmav2",
        ["ogv"] = "-c:v libtheora -c:a libvorbis",
        ["mpg"] = "-c:v mpeg2video -c:a mp2 -f vob",
    };

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tunesculptor-media-");

    /// <summary>A 5 s test picture with a 440 Hz tone and title/artist tags, in the given format.</summary>
    public Task<string> VideoAsync(string extension) =>
        FfmpegAsync($"sample.{extension}",
            $"-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=44100 -t {SampleSeconds} " +
            $"-metadata title=\"{Title}\" -metadata artist=\"{Artist}\" {Formats[extension]}");

    /// <summary>
    /// A video whose sound takes ffmpeg seconds to convert (a long Opus track under a tiny picture, a few MB): long
    /// enough to act while the conversion runs.
    /// </summary>
    public Task<string> LongVideoAsync(int seconds = 1200) =>
        FfmpegAsync($"long-{seconds}.mkv",
            $"-f lavfi -i testsrc=size=64x48:rate=1 -f lavfi -i sine=frequency=440:sample_rate=48000 -t {seconds} " +
            "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a libopus -b:a 16k");

    public Task<string> SilentVideoAsync() =>
        FfmpegAsync("silent.mp4", $"-f lavfi -i testsrc=size=320x240:rate=25 -t {SampleSeconds} -c:v libx264 -preset ultrafast -pix_fmt yuv420p -an");

    public Task<string> PictureAsync() =>
        FfmpegAsync("picture.png", "-f lavfi -i testsrc=size=320x240 -frames:v 1");

    /// <summary>An mp4 cut in half: ffmpeg writes the index (moov) at the end, so it is gone.</summary>
    public async Task<string> TruncatedVideoAsync()
    {
        var whole = await VideoAsync("mp4");
        var bytes = await File.ReadAllBytesAsync(whole);
        var path = Path.Combine(_folder.FullName, "truncated.mp4");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        return path;
    }

    public string TextFile()
    {
        var path = Path.Combine(_folder.FullName, "notes.txt");
        File.WriteAllText(path, "These are notes, not a video.\n");
        return path;
    }

    public string EmptyFile()
    {
        var path = Path.Combine(_folder.FullName, "empty.mp4");
        File.WriteAllBytes(path, []);
        return path;
    }

    public string RandomFile(long length)
    {
        var path = Path.Combine(_folder.FullName, $"random-{length}.mp4");
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string PathFor(string name) => Path.Combine(_folder.FullName, name);

    /// <summary>ffprobe's view of a file: format name, duration, bit rate and tags.</summary>
    public static async Task<Probe> ProbeAsync(string path)
    {
        var output = await RunAsync("ffprobe", $"-v error -print_format json -show_format \"{path}\"");
        using var json = JsonDocument.Parse(output);
        var format = json.RootElement.GetProperty("format");
        var tags = format.TryGetProperty("tags", out var t)
            ? t.EnumerateObject().ToDictionary(p => p.Name.ToLowerInvariant(), p => p.Value.GetString() ?? string.Empty)
            : [];
        return new Probe(
            format.GetProperty("format_name").GetString()!,
            double.Parse(format.GetProperty("duration").GetString()!, CultureInfo.InvariantCulture),
            format.TryGetProperty("bit_rate", out var rate) ? long.Parse(rate.GetString()!, CultureInfo.InvariantCulture) : 0,
            tags);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private async Task<string> FfmpegAsync(string name, string arguments)
    {
        var path = Path.Combine(_folder.FullName, name);
        await RunAsync("ffmpeg", $"-v error -y {arguments} \"{path}\"");
        return path;
    }

    private static async Task<string> RunAsync(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{command} {arguments} failed ({process.ExitCode}): {await error}");
    }

    public sealed record Probe(string FormatName, double DurationSeconds, long BitRate, IReadOnlyDictionary<string, string> Tags);
}
