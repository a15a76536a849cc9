namespace TuneSculptor.Testing;

/// <summary>
/// A process's CPU time from /proc/PID/stat: <see cref="Own"/> is utime + stime (all its threads, user and kernel);
/// <see cref="Children"/> is cutime + cstime, the CPU of the children it has waited for (and of theirs), which lands
/// there only once they are reaped.
/// </summary>
public sealed record ProcessCpuTime(TimeSpan Own, TimeSpan Children)
{
    public TimeSpan Total => Own + Children;
}
