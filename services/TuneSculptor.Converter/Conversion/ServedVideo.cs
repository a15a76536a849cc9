using MongoDB.Bson;
using TuneSculptor.Contracts;

namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// One job's video served by the <see cref="LoopbackVideoSource"/> at <see cref="Url"/>, an unguessable address valid
/// until this is disposed: then the address answers 404 and requests in flight are cut off (a cancelled job stops its
/// source with its ffmpeg).
/// </summary>
public sealed class ServedVideo : IDisposable
{
    // Cancelled, never disposed: a request that found this video just before it stopped may still link to its token.
    private readonly CancellationTokenSource _stopping = new();
    private readonly Action<ServedVideo> _onStopped;
    private Exception? _readFailure;

    internal ServedVideo(JobId jobId, ObjectId videoFileId, string token, Uri url, Action<ServedVideo> onStopped)
    {
        JobId = jobId;
        VideoFileId = videoFileId;
        Token = token;
        Url = url;
        _onStopped = onStopped;
    }

    public JobId JobId { get; }

    public ObjectId VideoFileId { get; }

    public Uri Url { get; }

    /// <summary>The first failure of reading the video from the store, recorded by the source; null while none.</summary>
    public Exception? ReadFailure => Volatile.Read(ref _readFailure);

    internal string Token { get; }

    internal CancellationToken Stopping => _stopping.Token;

    internal void RecordReadFailure(Exception failure) => Interlocked.CompareExchange(ref _readFailure, failure, null);

    public void Dispose()
    {
        _onStopped(this);
        _stopping.Cancel();
    }
}
