namespace TuneSculptor.Messaging;

/// <summary>
/// What a <see cref="DeadLetterRedrive"/> of one queue did: <paramref name="Moved"/> dead letters sent back to
/// <paramref name="Queue"/>, <paramref name="Left"/> left where they were in its dead-letter queue (another job's).
/// </summary>
public sealed record RedriveResult(string Queue, int Moved, int Left)
{
    public override string ToString() =>
        $"{Moved} dead letter(s) moved from {Topology.DeadLetterQueue(Queue)} back to {Queue}, {Left} left";
}
