namespace TuneSculptor.Gateway.Tests.Uploads;

/// <summary>A body of <paramref name="head"/> then <paramref name="fillLength"/> digits '1', made as it is read: a huge part without the memory.</summary>
public sealed class FilledBody(byte[] head, long fillLength) : ReadOnlyBody
{
    public override long Length => head.Length + fillLength;

    public override int Read(Span<byte> buffer)
    {
        var read = (int)Math.Min(buffer.Length, Length - Consumed);
        for (var i = 0; i < read; i++, Consumed++)
        {
            buffer[i] = Consumed < head.Length ? head[Consumed] : (byte)'1';
        }

        return read;
    }
}
