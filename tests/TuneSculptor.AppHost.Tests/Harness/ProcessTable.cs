namespace TuneSculptor.AppHost.Tests.Harness;

/// <summary>Reads Linux's process table, to find what a run left behind.</summary>
public static class ProcessTable
{
    /// <summary>Processes whose environment contains <paramref name="entry"/> (e.g. "NAME=value"), with their command lines.</summary>
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
                    found.Add($"{pid}: {File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim()}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked, or is not ours to read.
            }
        }

        return found;
    }

    /// <summary>The processes whose parent is <paramref name="pid"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var id))
            {
                continue;
            }

            try
            {
                // Field 4 of /proc/PID/stat, after the parenthesised command name, is the parent's id.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                if (stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    children.Add(id);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return children;
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !IsZombie(pid);

    private static bool IsZombie(int pid)
    {
        try
        {
            // Field 3 of /proc/PID/stat is the state; Z is a zombie awaiting its parent.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
