namespace TuneSculptor.Converter.Tests.Conversion;

/// <summary>
/// Every value reported, in order, as it is reported (<see cref="Progress{T}"/> would post them to the thread pool,
/// where they may arrive out of order).
/// </summary>
public sealed class RecordingProgress : IProgress<double>
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
    }
}
