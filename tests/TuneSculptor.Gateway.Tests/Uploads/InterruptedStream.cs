namespace TuneSculptor.Gateway.Tests.Uploads;

/// <summary>A request body that arrives up to <paramref name="length"/> bytes, then fails as <paramref name="interruption"/> says.</summary>
public sealed class InterruptedStream(byte[] bytes, int length, Func<Exception?> interruption) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>The body ends early, as when a client's connection closes mid-upload.</summary>
    public static InterruptedStream EndingAt(byte[] bytes, int length) => new(bytes, length, () => null);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= length)
        {
            return interruption() is { } exception ? throw exception : 0;
        }

        var read = Math.Min(buffer.Length, length - _position);
        bytes.AsSpan(_position, read).CopyTo(buffer);
        _position += read;
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
