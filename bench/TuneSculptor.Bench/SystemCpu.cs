using TuneSculptor.Testing;

namespace TuneSculptor.Bench;

/// <summary>
/// CPU seconds spent so far by every process of the running system, by resource, read from /proc/PID/stat. Read it
/// before and after a job (nothing else running) and the difference is what the job cost.
/// </summary>
/// <remarks>
/// Each resource's process tree is walked from the process Aspire started; every live process counts its own time
/// (utime + stime) plus that of the children it has reaped (cutime + cstime). A process is thus counted exactly once:
/// while it lives (or is a zombie) in its own entry, once reaped in its parent's cutime. ffmpeg, a child of the
/// converter, is therefore counted live if it still runs at a reading, and through the converter's cutime once the
/// converter has waited for it (.NET reaps a child before its exit is reported, so before the job is `done`). A
/// project's service process runs under <c>dotnet run</c>; what its own children cost is kept apart
/// (<see cref="ChildrenOf"/>: for the converter, its ffmpeg runs). What Aspire's DCP spends (it proxies the services'
/// endpoints, so the upload passes through it, and polls health; its own processes, not the resources it starts) is kept
/// apart too (<see cref="Orchestrator"/>): it
/// exists only in this development setup. Missed would be a process that leaves its tree (daemonised, reparented to
/// init) and one that ends and is reaped between the readings of its parent and of itself; the readings are taken
/// when the system is between jobs, so neither happens to a job's processes.
/// </remarks>
public sealed class SystemCpu(HostProcessSystem system)
{
    /// <summary>The key of what Aspire's DCP spends (its processes that are no resource's).</summary>
    public const string Orchestrator = "aspire-dcp";

    /// <summary>The key of what a service's child processes spend (for the converter: ffmpeg).</summary>
    public static string ChildrenOf(string resource) => $"{resource}/children";

    private int? _orchestrator;

    public IReadOnlyDictionary<string, TimeSpan> Read()
    {
        var spent = new Dictionary<string, TimeSpan>();
        var counted = new HashSet<int> { Environment.ProcessId };
        void Add(string key, TimeSpan time) => spent[key] = spent.GetValueOrDefault(key) + time;

        foreach (var resource in system.Resources.All)
        {
            if (system.ProcessIdOf(resource) is not { } root || !ProcFs.IsAlive(root))
            {
                continue;
            }

            var service = system.ServiceProcessId(resource);
            var serviceChildren = service == root ? [] : ProcFs.DescendantsOf(service).ToHashSet();
            foreach (var pid in ProcFs.DescendantsOf(root).Prepend(root))
            {
                if (!counted.Add(pid) || ProcFs.CpuTime(pid) is not { } cpu)
                {
                    continue;
                }

                if (pid == service && service != root)
                {
                    Add(resource, cpu.Own);
                    Add(ChildrenOf(resource), cpu.Children);
                }
                else
                {
                    Add(serviceChildren.Contains(pid) ? ChildrenOf(resource) : resource, cpu.Total);
                }
            }
        }

        // DCP detaches from the process that starts it (its parent becomes init) and watches it through --monitor.
        _orchestrator ??= OrchestratorProcessId();
        foreach (var pid in ProcFs.DescendantsOf(_orchestrator.Value).Prepend(_orchestrator.Value))
        {
            if (counted.Add(pid) && ProcFs.CpuTime(pid) is { } cpu)
            {
                Add(Orchestrator, cpu.Total);
            }
        }

        return spent;
    }

    /// <summary>Aspire's <c>dcp start-apiserver --monitor PID</c> of this process, the root of DCP's processes.</summary>
    private static int OrchestratorProcessId()
    {
        var monitor = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid)
                && ProcFs.Arguments(pid) is [var program, "start-apiserver", .. var options]
                && Path.GetFileName(program) == "dcp"
                && options.SkipWhile(option => option != "--monitor").Skip(1).FirstOrDefault() == monitor)
            {
                return pid;
            }
        }

        throw new InvalidOperationException($"No 'dcp start-apiserver --monitor {monitor}' runs.");
    }

    /// <summary>What each key spent between two readings.</summary>
    public static Dictionary<string, TimeSpan> Difference(IReadOnlyDictionary<string, TimeSpan> before, IReadOnlyDictionary<string, TimeSpan> after) =>
        after.Keys.Union(before.Keys).ToDictionary(key => key, key => after.GetValueOrDefault(key) - before.GetValueOrDefault(key));
}
