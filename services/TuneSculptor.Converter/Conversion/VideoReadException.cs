namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// Reading the video from GridFS failed while ffmpeg read it through the loopback source: not the upload's fault, so
/// the job is retried (see <see cref="VideoInput.ReadFailure"/>); the store's own exception is the inner one.
/// </summary>
public sealed class VideoReadException(Exception readFailure)
    : IOException($"Reading the video from storage failed while ffmpeg read it: {readFailure.Message}", readFailure);
