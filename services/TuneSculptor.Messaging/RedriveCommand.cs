using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client.Exceptions;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging;

/// <summary>
/// The services' own command for operators where no dashboard is (Kubernetes):
/// <c>TuneSculptor.Converter redrive video [--job &lt;id&gt;]</c> runs a <see cref="DeadLetterRedrive"/> with the
/// service's configuration (its broker connection string, from its environment or Secret) instead of starting the
/// service, and exits: 0 when done, <see cref="UsageError"/> for bad arguments or a queue the service does not
/// consume, <see cref="BrokerError"/> when the broker cannot be reached or refuses.
/// </summary>
public static class RedriveCommand
{
    public const string Name = "redrive";

    public const int UsageError = 2;

    public const int BrokerError = 3;

    /// <summary>Whether <paramref name="args"/> ask for this command rather than the service.</summary>
    public static bool IsInvoked(string[] args) => args is [Name, ..];

    /// <summary>
    /// Redrives the dead letters <paramref name="args"/> name (<c>redrive [queue] [--job id]</c>; no queue: every one of
    /// <paramref name="queues"/>, those the service consumes) on the broker of connection string
    /// <paramref name="connectionName"/>; returns the exit code.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, string connectionName, IReadOnlyCollection<string> queues)
    {
        var usage = $"usage: {AppDomain.CurrentDomain.FriendlyName} {Name} [{string.Join('|', queues)}] [--job <job id>]";
        if (Parse(args, queues) is not { } request)
        {
            await Console.Error.WriteLineAsync(usage);
            return UsageError;
        }

        if (request.Error is { } error)
        {
            await Console.Error.WriteLineAsync($"{error}\n{usage}");
            return UsageError;
        }

        // The service's configuration sources (appsettings, environment, user secrets in Development), from the folder
        // of its binaries, wherever the command is run from.
        var configuration = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory }).Configuration;
        using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
        var logger = loggers.CreateLogger(typeof(RedriveCommand).FullName!);
        if (configuration.GetConnectionString(connectionName) is not { Length: > 0 } connectionString)
        {
            await Console.Error.WriteLineAsync($"Connection string '{connectionName}' is not configured (ConnectionStrings__{connectionName}).");
            return UsageError;
        }

        try
        {
            foreach (var result in await DeadLetterRedrive.RunAsync(connectionString, request.Queues, request.Job, logger, CancellationToken.None))
            {
                Console.WriteLine(result);
            }

            return 0;
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or TimeoutException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"Redrive failed: {Describe(ex)}");
            return BrokerError;
        }
    }

    private static Request? Parse(string[] args, IReadOnlyCollection<string> queues)
    {
        if (!IsInvoked(args))
        {
            return null;
        }

        string? queue = null;
        JobId? job = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--job" when i + 1 < args.Length:
                    if (!JobId.TryParse(args[++i], out var id))
                    {
                        return new Request([], null, $"'{args[i]}' is not a job id (24 hexadecimal digits).");
                    }

                    job = id;
                    break;
                case var name when queue is null && !name.StartsWith('-'):
                    queue = name;
                    break;
                default:
                    return new Request([], null, $"Unexpected argument '{args[i]}'.");
            }
        }

        if (queue is not null && !queues.Contains(queue))
        {
            return new Request([], null, $"This service does not consume a queue '{queue}': its queues are {string.Join(", ", queues)}.");
        }

        return new Request(queue is null ? [.. queues] : [queue], job, null);
    }

    /// <summary>The exception's message, and its inner one's: "None of the specified endpoints were reachable" alone says little.</summary>
    private static string Describe(Exception ex) =>
        ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message;

    private sealed record Request(IReadOnlyList<string> Queues, JobId? Job, string? Error);
}
