using System.Globalization;

namespace TuneSculptor.Testing;

/// <summary>What the tests and the benchmark read from Linux's /proc: processes, their memory, and the machine.</summary>
public static class ProcFs
{
    /// <summary>Processes whose environment contains <paramref name="entry"/> (e.g. "NAME=value"), as "pid: command line".</summary>
    public static IReadOnlyList<string> WithEnvironmentEntry(string entry)
    {
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(directory, "environ")).Split('\0');
                if (environment.Contains(entry))
                {
                    found.Add($"{pid}: {CommandLine(pid)}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }

        return found;
    }

    /// <summary>The processes whose parent is <paramref name="pid"/> (of any of its threads).</summary>
    public static IReadOnlyList<int> ChildrenOf(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return [];
        }

        var children = new List<int>();
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                children.AddRange(File.ReadAllText(Path.Combine(task, "children"))
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(id => int.Parse(id, CultureInfo.InvariantCulture)));
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return children;
    }

    /// <summary>The children of <paramref name="pid"/>, theirs, and so on.</summary>
    public static IReadOnlyList<int> DescendantsOf(int pid)
    {
        var found = new List<int>();
        var pending = new Stack<int>(ChildrenOf(pid));
        while (pending.TryPop(out var child))
        {
            found.Add(child);
            foreach (var grandchild in ChildrenOf(child))
            {
                pending.Push(grandchild);
            }
        }

        return found;
    }

    /// <summary>The process's CPU time so far (a zombie still reports its own); null once it is gone.</summary>
    public static ProcessCpuTime? CpuTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // After the parenthesised command name (which may hold spaces) come fields 3 (state) onwards: utime, stime,
        // cutime and cstime are fields 14-17, in clock ticks.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcessCpuTime(Ticks(fields[11]) + Ticks(fields[12]), Ticks(fields[13]) + Ticks(fields[14]));
    }

    /// <summary>The program and its arguments; empty once the process is gone.</summary>
    public static string[] Arguments(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>The command line as one string, arguments separated by spaces.</summary>
    public static string CommandLine(int pid) => string.Join(' ', Arguments(pid));

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !IsZombie(pid);

    /// <summary>Resident set size in bytes (VmRSS of /proc/PID/status).</summary>
    public static long ResidentBytes(int pid) => StatusBytes(pid, "VmRSS:");

    /// <summary>The resident set's high-water mark in bytes (VmHWM), since start or <see cref="ResetPeak"/>.</summary>
    public static long PeakResidentBytes(int pid) => StatusBytes(pid, "VmHWM:");

    /// <summary>Resets VmHWM to the current RSS (writing 5 to clear_refs); false where that is not allowed.</summary>
    public static bool ResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))
            ?.Split(':', 2)[1].Trim() ?? "unknown";

    /// <summary>The 1-, 5- and 15-minute load averages: how busy the machine was (other work shares the cores).</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static bool IsZombie(int pid)
    {
        try
        {
            // Field 3 of /proc/PID/stat, after the parenthesised command name, is the state; Z is a zombie awaiting its parent.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    // USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture .NET runs on (sysconf(_SC_CLK_TCK)).
    private static TimeSpan Ticks(string field) => TimeSpan.FromSeconds(long.Parse(field, CultureInfo.InvariantCulture) / 100.0);

    private static long StatusBytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // e.g. "VmRSS:	  123456 kB"
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"Process {pid} reports no {field}");
    }
}
