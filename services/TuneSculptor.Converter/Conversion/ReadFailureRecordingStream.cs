namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// A read-only view of a stored video that records the first failure of reading it on its <see cref="ServedVideo"/>
/// (and still throws it): what ffmpeg sees of it is only a connection cut short. A read stopped because the request
/// ended (ffmpeg seeking, the job stopped) is not a failure.
/// </summary>
internal sealed class ReadFailureRecordingStream(Stream inner, ServedVideo served) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => Recorded(() => inner.Position = value);
    }

    public override int Read(byte[] buffer, int offset, int count) => Recorded(() => inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            served.RecordReadFailure(ex);
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Recorded(() => inner.Seek(offset, origin));

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static bool IsCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private T Recorded<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex)
        {
            served.RecordReadFailure(ex);
            throw;
        }
    }
}
