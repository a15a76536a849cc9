using System.Net;

namespace TuneSculptor.System.Tests.Harness;

/// <summary>
/// An upload body held in flight: a first part at once, then a trickle (fast enough for Kestrel's minimum data rate,
/// 240 B/s) until <see cref="Release"/>, then the rest. The request stays open as long as the test needs it to.
/// </summary>
public sealed class HeldUploadContent(byte[] bytes) : HttpContent
{
    private const int FirstPart = 16 * 1024;
    private const int TrickleBytes = 256;
    private static readonly TimeSpan TrickleInterval = TimeSpan.FromMilliseconds(200);

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the first part is on the wire.</summary>
    public Task Started => _started.Task;

    public void Release() => _released.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var sent = Math.Min(FirstPart, bytes.Length);
        await stream.WriteAsync(bytes.AsMemory(0, sent));
        await stream.FlushAsync();
        _started.TrySetResult();
        while (!_released.Task.IsCompleted)
        {
            if (bytes.Length - sent <= TrickleBytes)
            {
                throw new InvalidOperationException($"The body ({bytes.Length} bytes) ran out before it was released: use a larger file.");
            }

            await stream.WriteAsync(bytes.AsMemory(sent, TrickleBytes));
            await stream.FlushAsync();
            sent += TrickleBytes;
            await Task.WhenAny(_released.Task, Task.Delay(TrickleInterval));
        }

        await stream.WriteAsync(bytes.AsMemory(sent));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = bytes.Length;
        return true;
    }
}
