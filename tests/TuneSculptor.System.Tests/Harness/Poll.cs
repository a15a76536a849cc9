namespace TuneSculptor.System.Tests.Harness;

/// <summary>Waits for something the system does in its own time (cleaning up after a client, say).</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Checks <paramref name="condition"/> every 100 ms until it holds; fails saying <paramref name="failure"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"After {timeout.TotalSeconds:0} s: {failure}.");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }
}
