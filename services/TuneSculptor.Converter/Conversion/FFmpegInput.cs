namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// How ffmpeg and ffprobe are pointed at an upload: the converter's loopback source (<see cref="LoopbackVideoSource"/>),
/// read through the <c>http</c> and <c>tcp</c> protocols only, or a local copy, read through the <c>file</c> protocol
/// only; either by a demuxer of a real media container only. Everything else ffmpeg can open is refused before it
/// reads a byte of what the upload points at: playlists and manifests (<c>hls</c>, <c>dash</c>, <c>concat</c>, <c>sdp</c>), which fetch
/// URLs or open other local files; image sequences (<c>image2</c>, the <c>*_pipe</c> image readers); devices and
/// filter graphs (<c>lavfi</c>, <c>v4l2</c>, <c>alsa</c>…); text and subtitle formats (<c>tty</c>, <c>srt</c>…).
/// </summary>
/// <remarks>
/// <c>-protocol_whitelist</c> and <c>-format_whitelist</c> are input options of every libavformat since 2.x (checked
/// on Debian 12's ffmpeg 5.1). A demuxer's name may list aliases (<c>mov,mp4,m4a,3gp,3g2,mj2</c>); naming one of
/// them admits it. ffmpeg fails with "Format not on whitelist" or "Protocol … not on whitelist".
/// </remarks>
public static class FFmpegInput
{
    /// <summary>A local copy of the upload, and nothing else.</summary>
    public const string Protocols = "file";

    /// <summary>
    /// The loopback source: plain HTTP over TCP to 127.0.0.1 (no <c>https</c>/<c>tls</c>, no name to resolve). A
    /// nested input inherits the whitelist, so a playlist could fetch over HTTP here: the format whitelist refuses
    /// every demuxer that would, before it reads what the playlist names.
    /// </summary>
    public const string LoopbackProtocols = "http,tcp";

    /// <summary>
    /// The containers of video and audio people upload: MP4/MOV/M4A/3GP (<c>mov</c>), Matroska/WebM, AVI, FLV, MPEG
    /// transport and program streams (<c>mpegts</c>, <c>mpeg</c>: .ts, .m2ts, .mpg, .vob), ASF (.wmv, .wma), Ogg
    /// (Vorbis, Opus, Theora), WAV/W64, AIFF, CAF, and bare audio streams: MP3, AAC (ADTS), AC-3/E-AC-3, DTS, FLAC,
    /// AMR, WavPack, Monkey's Audio.
    /// </summary>
    public static readonly IReadOnlyList<string> Formats =
    [
        "mov", "matroska", "webm", "avi", "flv", "mpegts", "mpeg", "asf", "ogg",
        "wav", "w64", "aiff", "caf", "mp3", "aac", "ac3", "eac3", "dts", "flac", "amr", "wv", "ape",
    ];

    /// <summary>The input options and the input itself, for ffmpeg and ffprobe alike: a local file.</summary>
    public static IReadOnlyList<string> Arguments(string path) =>
    [
        "-protocol_whitelist", Protocols,
        "-format_whitelist", string.Join(',', Formats),
        // Explicitly a file: a name such as "concat:a|b" or "subfile,,start,…:x" can never select a protocol.
        "-i", $"file:{Path.GetFullPath(path)}",
    ];

    /// <summary>The input options and the input itself, for ffmpeg and ffprobe alike: the loopback source's URL.</summary>
    public static IReadOnlyList<string> Arguments(Uri loopback) =>
    [
        "-protocol_whitelist", LoopbackProtocols,
        "-format_whitelist", string.Join(',', Formats),
        // Seekable whatever the headers say (an MP4's index may be at its end); one kept-alive connection for the
        // seek and the reads after it; no reconnect: a failed read is the job's failure, told by the source.
        "-seekable", "1",
        "-multiple_requests", "1",
        "-reconnect", "0",
        "-i", loopback.AbsoluteUri,
    ];

    /// <summary>Whether ffmpeg's log says an allowlist refused the input (its format, or a protocol it asked for).</summary>
    public static bool WasRefused(string log) => log.Contains("not on whitelist", StringComparison.Ordinal);
}
