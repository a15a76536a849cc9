using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;

namespace TuneSculptor.Storage;

/// <summary>What a stored file says about itself (GridFS metadata).</summary>
public sealed record StoredFile(ObjectId Id, string FileName, long Length, string OwnerId, BsonDocument Metadata);

/// <summary>Thrown when an upload grows past its limit; nothing of it stays stored.</summary>
public sealed class FileTooLargeException(long limit) : Exception($"The file is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Videos and mp3s in GridFS (buckets <c>videos</c> and <c>mp3s</c>). Files carry their owner in their metadata, and
/// are read and written as streams: nothing is held whole in memory.
/// </summary>
public sealed class MediaStore(IMongoDatabase database)
{
    public const string OwnerField = "owner_id";

    private readonly GridFSBucket _videos = new(database, new GridFSBucketOptions { BucketName = "videos" });
    private readonly GridFSBucket _mp3s = new(database, new GridFSBucketOptions { BucketName = "mp3s" });

    /// <summary>
    /// Stores <paramref name="content"/> as it arrives. Past <paramref name="maxLength"/> bytes, or if reading fails,
    /// the partial file is removed and the exception propagates.
    /// </summary>
    public Task<StoredFile> StoreVideoAsync(Stream content, string fileName, BsonDocument metadata, long maxLength, CancellationToken cancellationToken) =>
        StoreAsync(_videos, content, fileName, metadata, maxLength, cancellationToken);

    public async Task<StoredFile> StoreMp3Async(string path, string fileName, BsonDocument metadata, CancellationToken cancellationToken)
    {
        await using var content = File.OpenRead(path);
        return await StoreAsync(_mp3s, content, fileName, metadata, long.MaxValue, cancellationToken);
    }

    /// <summary>
    /// Copies a stored video to a local file (ffmpeg needs a seekable input: an MP4's index may be at its end). Read
    /// front to back, the chunks come in large batches: ~1.5× as fast as a seekable stream, which asks for each.
    /// </summary>
    public async Task DownloadVideoAsync(ObjectId id, string path, CancellationToken cancellationToken)
    {
        await using var source = await _videos.OpenDownloadStreamAsync(id, cancellationToken: cancellationToken);
        await using var target = File.Create(path);
        await source.CopyToAsync(target, cancellationToken);
    }

    public Task<StoredFile?> FindMp3Async(ObjectId id, CancellationToken cancellationToken) => FindAsync(_mp3s, id, cancellationToken);

    public Task<StoredFile?> FindVideoAsync(ObjectId id, CancellationToken cancellationToken) => FindAsync(_videos, id, cancellationToken);

    /// <summary>A seekable stream over a stored mp3, so HTTP range requests can be served from it.</summary>
    public async Task<Stream> OpenMp3Async(ObjectId id, CancellationToken cancellationToken) =>
        await _mp3s.OpenDownloadStreamAsync(id, new GridFSDownloadOptions { Seekable = true }, cancellationToken);

    /// <summary>Deletes through the bucket, chunks included; a file already gone is not an error.</summary>
    public Task DeleteVideoAsync(ObjectId id, CancellationToken cancellationToken) => DeleteAsync(_videos, id, cancellationToken);

    public Task DeleteMp3Async(ObjectId id, CancellationToken cancellationToken) => DeleteAsync(_mp3s, id, cancellationToken);

    private static async Task<StoredFile> StoreAsync(
        GridFSBucket bucket, Stream content, string fileName, BsonDocument metadata, long maxLength, CancellationToken cancellationToken)
    {
        var upload = await bucket.OpenUploadStreamAsync(fileName, new GridFSUploadOptions { Metadata = metadata }, cancellationToken);
        try
        {
            var buffer = new byte[1024 * 1024];
            long length = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                length += read;
                if (length > maxLength)
                {
                    throw new FileTooLargeException(maxLength);
                }

                await upload.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await upload.CloseAsync(cancellationToken);
            return new StoredFile(upload.Id, fileName, length, metadata.GetValue(OwnerField, BsonNull.Value).ToString() ?? string.Empty, metadata);
        }
        catch
        {
            // Removes the chunks written so far; nothing half-stored stays behind.
            await upload.AbortAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            await upload.DisposeAsync();
        }
    }

    /// <summary>mp3s stored before <paramref name="cutoff"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<StoredFile>> FindMp3sStoredBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        FindStoredBeforeAsync(_mp3s, cutoff, limit, cancellationToken);

    /// <summary>Videos stored before <paramref name="cutoff"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<StoredFile>> FindVideosStoredBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken) =>
        FindStoredBeforeAsync(_videos, cutoff, limit, cancellationToken);

    private static async Task<IReadOnlyList<StoredFile>> FindStoredBeforeAsync(GridFSBucket bucket, DateTime cutoff, int limit, CancellationToken cancellationToken)
    {
        using var cursor = await bucket.FindAsync(
            Builders<GridFSFileInfo>.Filter.Lt(f => f.UploadDateTime, cutoff),
            new GridFSFindOptions { Sort = Builders<GridFSFileInfo>.Sort.Ascending(f => f.UploadDateTime), Limit = limit },
            cancellationToken);
        var files = await cursor.ToListAsync(cancellationToken);
        return files.Select(ToStoredFile).ToList();
    }

    private static StoredFile ToStoredFile(GridFSFileInfo file) =>
        new(file.Id, file.Filename, file.Length, file.Metadata?.GetValue(OwnerField, BsonNull.Value).ToString() ?? string.Empty, file.Metadata ?? []);

    private static async Task<StoredFile?> FindAsync(GridFSBucket bucket, ObjectId id, CancellationToken cancellationToken)
    {
        using var cursor = await bucket.FindAsync(Builders<GridFSFileInfo>.Filter.Eq(f => f.Id, id), cancellationToken: cancellationToken);
        var file = await cursor.FirstOrDefaultAsync(cancellationToken);
        return file is null ? null : ToStoredFile(file);
    }

    private static async Task DeleteAsync(GridFSBucket bucket, ObjectId id, CancellationToken cancellationToken)
    {
        try
        {
            await bucket.DeleteAsync(id, cancellationToken);
        }
        catch (GridFSFileNotFoundException)
        {
            // Deleted already (a redelivered message, say).
        }
    }
}
