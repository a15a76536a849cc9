using MongoDB.Bson;
using MongoDB.Driver;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>
/// Videos and mp3s in GridFS (buckets <c>videos</c> and <c>mp3s</c>). Files carry their owner and job in their
/// metadata (<see cref="VideoMetadata"/>, <see cref="Mp3Metadata"/>), and are read and written as streams: nothing
/// is held whole in memory.
/// </summary>
public sealed class MediaStore
{
    private readonly MediaBucket<VideoMetadata> _videos;
    private readonly MediaBucket<Mp3Metadata> _mp3s;

    public MediaStore(IMongoDatabase database)
    {
        JobIdSerializer.Register();
        _videos = new MediaBucket<VideoMetadata>(database, "videos");
        _mp3s = new MediaBucket<Mp3Metadata>(database, "mp3s");
    }

    internal async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        await _videos.CreateIndexesAsync(cancellationToken);
        await _mp3s.CreateIndexesAsync(cancellationToken);
    }

    /// <summary>
    /// Stores <paramref name="content"/> as it arrives. Past <paramref name="maxLength"/> bytes, or if reading fails,
    /// the partial file is removed and the exception propagates.
    /// </summary>
    public Task<StoredFile<VideoMetadata>> StoreVideoAsync(
        Stream content, string fileName, VideoMetadata metadata, long maxLength, CancellationToken cancellationToken) =>
        _videos.StoreAsync(content, fileName, metadata, maxLength, cancellationToken);

    public async Task<StoredFile<Mp3Metadata>> StoreMp3Async(string path, string fileName, Mp3Metadata metadata, CancellationToken cancellationToken)
    {
        await using var content = File.OpenRead(path);
        return await _mp3s.StoreAsync(content, fileName, metadata, long.MaxValue, cancellationToken);
    }

    /// <summary>
    /// Copies a stored video to a local file (ffmpeg needs a seekable input: an MP4's index may be at its end), for a
    /// converter that cannot serve it to ffmpeg through loopback (<see cref="OpenVideoAsync"/>), read the same way.
    /// </summary>
    public async Task DownloadVideoAsync(ObjectId id, string path, CancellationToken cancellationToken)
    {
        await using var source = await _videos.OpenBatchedAsync(id, cancellationToken);
        await using var target = File.Create(path);
        await source.CopyToAsync(target, cancellationToken);
    }

    /// <summary>
    /// A seekable stream over a stored video, read in batches of chunks from wherever it is read: the converter serves it
    /// to ffmpeg with HTTP range requests (an MP4's index may be at its end), holding no more than two batches of it.
    /// </summary>
    public Task<Stream> OpenVideoAsync(ObjectId id, CancellationToken cancellationToken) => _videos.OpenBatchedAsync(id, cancellationToken);

    public Task<StoredFile<Mp3Metadata>?> FindMp3Async(ObjectId id, CancellationToken cancellationToken) => _mp3s.FindAsync(id, cancellationToken);

    /// <summary>A seekable stream over a stored mp3, read in batches of chunks, so HTTP range requests can be served from it.</summary>
    public Task<Stream> OpenMp3Async(ObjectId id, CancellationToken cancellationToken) => _mp3s.OpenBatchedAsync(id, cancellationToken);

    /// <summary>Deletes through the bucket, chunks included; a file already gone is not an error.</summary>
    public Task DeleteVideoAsync(ObjectId id, CancellationToken cancellationToken) => _videos.DeleteAsync(id, cancellationToken);

    public Task DeleteMp3Async(ObjectId id, CancellationToken cancellationToken) => _mp3s.DeleteAsync(id, cancellationToken);

    /// <summary>Deletes a job's video and mp3s, chunks included, whatever its job document says of them.</summary>
    public async Task DeleteFilesOfJobAsync(JobId jobId, CancellationToken cancellationToken)
    {
        await _mp3s.DeleteAllOfJobAsync(jobId, cancellationToken);
        await _videos.DeleteAllOfJobAsync(jobId, cancellationToken);
    }

    /// <summary>mp3s stored before <paramref name="cutoff"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<StoredFile<Mp3Metadata>>> FindMp3sStoredBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        _mp3s.FindStoredBeforeAsync(cutoff, limit, cancellationToken);

    /// <summary>Videos stored before <paramref name="cutoff"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<StoredFile<VideoMetadata>>> FindVideosStoredBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        _videos.FindStoredBeforeAsync(cutoff, limit, cancellationToken);
}
