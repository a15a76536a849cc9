using System.Collections.Concurrent;

namespace TuneSculptor.Testing;

/// <summary>The last lines a resource logged, numbered from its first, so a test can ask what came after a moment.</summary>
internal sealed class ResourceLog
{
    private const int Kept = 4000;
    private readonly ConcurrentQueue<(long Number, string Text)> _lines = new();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add(string text)
    {
        _lines.Enqueue((Interlocked.Increment(ref _count), text));
        while (_lines.Count > Kept && _lines.TryDequeue(out _))
        {
        }
    }

    public IEnumerable<string> Since(long mark) => _lines.Where(line => line.Number > mark).Select(line => line.Text);
}
