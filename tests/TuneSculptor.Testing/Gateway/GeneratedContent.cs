using System.Net;

namespace TuneSculptor.Testing;

/// <summary><paramref name="size"/> bytes of noise, made as they are sent: large uploads need no file.</summary>
public sealed class GeneratedContent(long size) : HttpContent
{
    private static readonly byte[] Noise = MakeNoise();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        WriteAsync(stream, size, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        WriteAsync(stream, size, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = size;
        return true;
    }

    /// <summary>Writes <paramref name="length"/> bytes of noise (a random megabyte, repeated).</summary>
    public static async Task WriteAsync(Stream stream, long length, CancellationToken cancellationToken)
    {
        for (long written = 0; written < length;)
        {
            var count = (int)Math.Min(Noise.Length, length - written);
            await stream.WriteAsync(Noise.AsMemory(0, count), cancellationToken);
            written += count;
        }
    }

    private static byte[] MakeNoise()
    {
        var noise = new byte[1024 * 1024];
        new Random(42).NextBytes(noise);
        return noise;
    }
}
