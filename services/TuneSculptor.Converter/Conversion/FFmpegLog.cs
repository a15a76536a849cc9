using System.Text;

namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// The last lines of an ffmpeg run's standard error, at most <see cref="Capacity"/> characters in all: enough to say
/// why it failed, however much a crafted file makes it print (a warning per packet, for hours). Progress lines
/// (<c>size=… time=…</c>) are left out: they say nothing about a failure.
/// </summary>
public sealed class FFmpegLog(int capacity = FFmpegLog.DefaultCapacity)
{
    public const int DefaultCapacity = 16 * 1024;

    private readonly Queue<string> _lines = new();
    private int _length;

    public int Capacity { get; } = capacity;

    /// <summary>Characters held now: never more than <see cref="Capacity"/>.</summary>
    public int Length => _length;

    public void Add(string line)
    {
        if (line.StartsWith("size=", StringComparison.Ordinal))
        {
            return;
        }

        if (line.Length > Capacity)
        {
            line = line[..Capacity];
        }

        _lines.Enqueue(line);
        _length += line.Length;
        while (_length > Capacity)
        {
            _length -= _lines.Dequeue().Length;
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder(_length + _lines.Count);
        foreach (var line in _lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
