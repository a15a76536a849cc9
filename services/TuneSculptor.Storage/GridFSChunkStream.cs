using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.GridFS;

namespace TuneSculptor.Storage;

/// <summary>
/// A seekable, read-only stream over a stored GridFS file that fetches its chunks in batches of about 4 MB from
/// wherever it is read: reading on costs one round trip per batch, a seek one query. The driver's seekable stream
/// asks for each 255 KB chunk on its own, about a sixth as fast as this (1 GiB: ~39 s against ~7 s, measured on the
/// MongoDB stand-in); its forward-only stream cannot seek. Memory stays at one batch, whatever the file's size.
/// </summary>
/// <remarks>
/// Each chunk is checked as it comes (its number, its size), so a missing or damaged one throws
/// <see cref="GridFSChunkException"/> as the driver's streams do, rather than giving short or shifted content.
/// </remarks>
internal sealed class GridFSChunkStream(IMongoCollection<BsonDocument> chunks, GridFSFileInfo file) : Stream
{
    private const int BatchBytes = 4 * 1024 * 1024;

    private readonly long _chunkSize = file.ChunkSizeBytes;
    private IAsyncCursor<BsonDocument>? _cursor;
    private IEnumerator<BsonDocument>? _batch;
    private ReadOnlyMemory<byte> _chunk = ReadOnlyMemory<byte>.Empty;
    private long _nextChunk;

    /// <summary>Where the cursor's next byte is in the file; a read elsewhere (after a seek) starts a new cursor.</summary>
    private long _cursorPosition = -1;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => file.Length;

    public override long Position { get; set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || Position >= Length)
        {
            return 0;
        }

        if (_cursorPosition != Position)
        {
            await StartAtAsync(Position, cancellationToken);
        }

        while (_chunk.IsEmpty)
        {
            _chunk = await NextChunkAsync(cancellationToken);
        }

        var read = Math.Min(buffer.Length, _chunk.Length);
        _chunk[..read].CopyTo(buffer);
        _chunk = _chunk[read..];
        Position += read;
        _cursorPosition = Position;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(position, nameof(offset));
        return Position = position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseCursor();
        }

        base.Dispose(disposing);
    }

    private async Task StartAtAsync(long position, CancellationToken cancellationToken)
    {
        CloseCursor();
        _nextChunk = position / _chunkSize;
        var filter = Builders<BsonDocument>.Filter;
        _cursor = await chunks.FindAsync(
            filter.Eq("files_id", file.Id) & filter.Gte("n", _nextChunk),
            new FindOptions<BsonDocument>
            {
                Sort = Builders<BsonDocument>.Sort.Ascending("n"),
                BatchSize = (int)Math.Max(1, BatchBytes / _chunkSize),
            },
            cancellationToken);
        _chunk = (await NextChunkAsync(cancellationToken))[(int)(position % _chunkSize)..];
        _cursorPosition = position;
    }

    /// <summary>The next chunk's bytes, checked to be the chunk expected, of the size expected.</summary>
    private async Task<ReadOnlyMemory<byte>> NextChunkAsync(CancellationToken cancellationToken)
    {
        var n = _nextChunk;
        while (_batch is null || !_batch.MoveNext())
        {
            if (_cursor is null || !await _cursor.MoveNextAsync(cancellationToken))
            {
                throw new GridFSChunkException(file.Id, n, "missing");
            }

            _batch = _cursor.Current.GetEnumerator();
        }

        var chunk = _batch.Current;
        if (chunk["n"].ToInt64() != n)
        {
            throw new GridFSChunkException(file.Id, n, "missing");
        }

        var data = chunk["data"].AsBsonBinaryData.Bytes;
        var expected = Math.Min(_chunkSize, Length - (n * _chunkSize));
        if (data.Length != expected)
        {
            throw new GridFSChunkException(file.Id, n, "the wrong size");
        }

        _nextChunk = n + 1;
        return data;
    }

    private void CloseCursor()
    {
        _batch?.Dispose();
        _batch = null;
        _cursor?.Dispose();
        _cursor = null;
        _chunk = ReadOnlyMemory<byte>.Empty;
        _cursorPosition = -1;
    }
}
