namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// Every value reported, in order, as it is reported (<see cref="Progress{T}"/> would post them to the thread pool,
/// where they may arrive out of order).
/// </summary>
/// <param name="onReport">Told each value too, as it is reported (to act while ffmpeg converts).</param>
public sealed class RecordingProgress(Action<double>? onReport = null) : IProgress<double>
{
    private readonly List<double> _values = [];

    public IReadOnlyList<double> Values
    {
        get
        {
            lock (_values)
            {
                return [.. _values];
            }
        }
    }

    public void Report(double value)
    {
        lock (_values)
        {
            _values.Add(value);
        }

        onReport?.Invoke(value);
    }
}
