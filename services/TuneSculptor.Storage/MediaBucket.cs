using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;
using TuneSculptor.Contracts;

namespace TuneSculptor.Storage;

/// <summary>One GridFS bucket whose files all carry metadata of one type.</summary>
internal sealed class MediaBucket<TMetadata>(IMongoDatabase database, string name)
{
    private readonly GridFSBucket _bucket = new(database, new GridFSBucketOptions { BucketName = name });

    /// <summary>
    /// GridFS's own indexes, as the driver would create them on a first upload into an empty bucket (a chunk stored
    /// once per file and position: the uniqueness a file's integrity relies on), made sure of whatever the bucket
    /// holds; the upload date alone, for the retention sweep (<see cref="FindStoredBeforeAsync"/>); and the job, for
    /// deleting a job's files (<see cref="DeleteAllOfJobAsync"/>). Idempotent.
    /// </summary>
    public async Task CreateIndexesAsync(CancellationToken cancellationToken)
    {
        var files = Builders<BsonDocument>.IndexKeys;
        await database.GetCollection<BsonDocument>($"{name}.files").Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(files.Ascending("filename").Ascending("uploadDate")),
            new CreateIndexModel<BsonDocument>(files.Ascending("uploadDate")),
            new CreateIndexModel<BsonDocument>(files.Ascending("metadata.job_id")),
        ], cancellationToken);
        await database.GetCollection<BsonDocument>($"{name}.chunks").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(files.Ascending("files_id").Ascending("n"), new CreateIndexOptions { Unique = true }),
            cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Stores <paramref name="content"/> as it arrives. Past <paramref name="maxLength"/> bytes, or if reading fails,
    /// the partial file is removed and the exception propagates.
    /// </summary>
    public async Task<StoredFile<TMetadata>> StoreAsync(
        Stream content, string fileName, TMetadata metadata, long maxLength, CancellationToken cancellationToken)
    {
        var upload = await _bucket.OpenUploadStreamAsync(
            fileName, new GridFSUploadOptions { Metadata = metadata.ToBsonDocument() }, cancellationToken);
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
            return new StoredFile<TMetadata>(upload.Id, fileName, length, metadata);
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

    /// <summary>
    /// A seekable stream that reads its chunks in batches (<see cref="GridFSChunkStream"/>): HTTP range requests for a
    /// large file, read on from where they start. Throws <see cref="GridFSFileNotFoundException"/> for a missing file.
    /// </summary>
    public async Task<Stream> OpenBatchedAsync(ObjectId id, CancellationToken cancellationToken)
    {
        using var cursor = await _bucket.FindAsync(Builders<GridFSFileInfo>.Filter.Eq(f => f.Id, id), cancellationToken: cancellationToken);
        var file = await cursor.FirstOrDefaultAsync(cancellationToken) ?? throw new GridFSFileNotFoundException(id);
        return new GridFSChunkStream(database.GetCollection<RawBsonDocument>($"{name}.chunks"), file);
    }

    public async Task<StoredFile<TMetadata>?> FindAsync(ObjectId id, CancellationToken cancellationToken)
    {
        using var cursor = await _bucket.FindAsync(Builders<GridFSFileInfo>.Filter.Eq(f => f.Id, id), cancellationToken: cancellationToken);
        var file = await cursor.FirstOrDefaultAsync(cancellationToken);
        return file is null ? null : ToStoredFile(file);
    }

    /// <summary>Files stored before <paramref name="cutoff"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<StoredFile<TMetadata>>> FindStoredBeforeAsync(DateTime cutoff, int limit, CancellationToken cancellationToken)
    {
        using var cursor = await _bucket.FindAsync(
            Builders<GridFSFileInfo>.Filter.Lt(f => f.UploadDateTime, cutoff),
            new GridFSFindOptions { Sort = Builders<GridFSFileInfo>.Sort.Ascending(f => f.UploadDateTime), Limit = limit },
            cancellationToken);
        var files = await cursor.ToListAsync(cancellationToken);
        return files.Select(ToStoredFile).ToList();
    }

    /// <summary>Deletes through the bucket, chunks included; a file already gone is not an error.</summary>
    public async Task DeleteAsync(ObjectId id, CancellationToken cancellationToken)
    {
        try
        {
            await _bucket.DeleteAsync(id, cancellationToken);
        }
        catch (GridFSFileNotFoundException)
        {
            // Deleted already (a redelivered message, say).
        }
    }

    /// <summary>
    /// Deletes every file stored for <paramref name="jobId"/>, chunks included; returns how many. A file whose upload is
    /// still being written has no file document yet, so is not found: its writer must check the job afterwards.
    /// </summary>
    public async Task<int> DeleteAllOfJobAsync(JobId jobId, CancellationToken cancellationToken)
    {
        using var cursor = await _bucket.FindAsync(
            Builders<GridFSFileInfo>.Filter.Eq("metadata.job_id", JobIds.ToObjectId(jobId)), cancellationToken: cancellationToken);
        var files = await cursor.ToListAsync(cancellationToken);
        foreach (var file in files)
        {
            await DeleteAsync(file.Id, cancellationToken);
        }

        return files.Count;
    }

    private static StoredFile<TMetadata> ToStoredFile(GridFSFileInfo file) =>
        new(file.Id, file.Filename, file.Length, BsonSerializer.Deserialize<TMetadata>(file.Metadata ?? []));
}
