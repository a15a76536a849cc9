namespace TuneSculptor.Messaging;

/// <summary>
/// When a message whose handling failed transiently is tried again, per queue (<see cref="QueueOptions.Retry"/>): after
/// <see cref="FirstDelay"/>, doubling up to <see cref="MaxDelay"/>, each delay shortened by a random part of up to
/// <see cref="Jitter"/> so that messages failed by one outage do not all come back at once; until
/// <see cref="GiveUpAfter"/> has passed since the message's first failure, after which it fails for good.
/// <para>
/// Why first/max/total rather than a list of delays: the total is the promise an operator reads ("an outage shorter
/// than this loses nothing": the last try runs at or after it, so every shorter outage is followed by a try); the
/// doubling with a cap keeps a long outage down to a try every <see cref="MaxDelay"/>; and the delays a message can
/// wait are a small fixed set (<see cref="Tiers"/>), one broker queue each (<see cref="Topology.RetryQueue"/>), whereas
/// every value of a list would be a queue of its own and its total a sum to redo by hand.
/// </para>
/// The defaults (1 s doubling to 5 min, for 1 h) suit work whose dependencies come back within minutes; services
/// set their queues' own (the notification's mails: 6 h) and configuration overrides both:
/// <c>Messaging:Retry</c> for every queue, <c>Messaging:Queues:{queue}:Retry</c> for one.
/// </summary>
public sealed class RetrySchedule
{
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after its first failure a message is still tried again; 0: never.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The largest part of each delay that is left out at random, from 0 (none: exact delays) to 0.5. A delay is never
    /// lengthened: each waits in a queue whose time-to-live is the full delay.
    /// </summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The delay after the <paramref name="failures"/>th failure, before jitter: the first delay, doubled each time, up to the maximum.</summary>
    public TimeSpan NominalDelay(int failures)
    {
        var delay = FirstDelay * Math.Pow(2, Math.Clamp(failures - 1, 0, 62));
        return Whole(delay < MaxDelay ? delay : MaxDelay);
    }

    /// <summary>Every delay a message can wait, shortest first: one retry queue each.</summary>
    public IReadOnlyList<TimeSpan> Tiers
    {
        get
        {
            var tiers = new List<TimeSpan>();
            for (var failures = 1; tiers.Count == 0 || tiers[^1] < Whole(MaxDelay); failures++)
            {
                tiers.Add(NominalDelay(failures));
            }

            return tiers;
        }
    }

    /// <summary>Throws, saying what is wrong, for a schedule that cannot be used for <paramref name="queue"/>.</summary>
    public void Validate(string queue)
    {
        string? problem = null;
        if (FirstDelay < TimeSpan.FromMilliseconds(1))
        {
            problem = $"FirstDelay ({FirstDelay}) must be at least 1 ms";
        }
        else if (MaxDelay < FirstDelay)
        {
            problem = $"MaxDelay ({MaxDelay}) must be at least FirstDelay ({FirstDelay})";
        }
        else if (MaxDelay > TimeSpan.FromDays(1))
        {
            problem = $"MaxDelay ({MaxDelay}) must be at most a day";
        }
        else if (GiveUpAfter < TimeSpan.Zero)
        {
            problem = $"GiveUpAfter ({GiveUpAfter}) must not be negative";
        }
        else if (Jitter is < 0 or > 0.5 || double.IsNaN(Jitter))
        {
            problem = $"Jitter ({Jitter}) must be between 0 and 0.5";
        }

        if (problem is not null)
        {
            throw new InvalidOperationException($"The retry schedule of queue '{queue}' cannot be used: {problem}.");
        }
    }

    /// <summary>Whole milliseconds: a queue's time-to-live is given in them, and its name says it.</summary>
    private static TimeSpan Whole(TimeSpan delay) => TimeSpan.FromMilliseconds(Math.Round(delay.TotalMilliseconds));
}
