using System.Net;

namespace TuneSculptor.System.Tests.Harness;

/// <summary>Bytes sent with <c>Transfer-Encoding: chunked</c>: no length is announced, so the server learns the size only as it reads.</summary>
public sealed class ChunkedContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
