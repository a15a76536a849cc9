namespace TuneSculptor.Gateway.Tests.Uploads;

/// <summary>A request body that arrives up to <paramref name="length"/> bytes, then fails as <paramref name="interruption"/> says.</summary>
public sealed class InterruptedStream(byte[] bytes, int length, Func<Exception?> interruption) : ReadOnlyBody
{
    /// <summary>The body ends early, as when a client's connection closes mid-upload.</summary>
    public static InterruptedStream EndingAt(byte[] bytes, int length) => new(bytes, length, () => null);

    public override int Read(Span<byte> buffer)
    {
        var position = (int)Consumed;
        if (position >= length)
        {
            return interruption() is { } exception ? throw exception : 0;
        }

        var read = Math.Min(buffer.Length, length - position);
        bytes.AsSpan(position, read).CopyTo(buffer);
        Consumed += read;
        return read;
    }
}
