namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// What ffmpeg reads for one job (its input options and <c>-i</c>, see <see cref="FFmpegInput"/>), and whether reading
/// the video failed on the converter's side: over loopback, a GridFS read failure reaches ffmpeg as a connection cut
/// short, which it may report as a damaged file or even take for the end; the source records it
/// (<see cref="ServedVideo.ReadFailure"/>), so the job fails as the converter's passing trouble, not as bad input.
/// </summary>
public sealed class VideoInput
{
    private readonly ServedVideo? _served;

    private VideoInput(IReadOnlyList<string> arguments, ServedVideo? served)
    {
        Arguments = arguments;
        _served = served;
    }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The first failure of reading the video from the store while ffmpeg read it; null for a local file.</summary>
    public Exception? ReadFailure => _served?.ReadFailure;

    public static VideoInput LocalFile(string path) => new(FFmpegInput.Arguments(path), served: null);

    public static VideoInput Served(ServedVideo video) => new(FFmpegInput.Arguments(video.Url), video);

    /// <summary>Throws <see cref="VideoReadException"/> (a transient failure) when reading the video failed.</summary>
    public void ThrowIfReadFailed()
    {
        if (ReadFailure is { } failure)
        {
            throw new VideoReadException(failure);
        }
    }
}
