using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>
/// A host with the messaging library on the test broker, as a service registers it, with its retry schedule shortened by
/// configuration (<see cref="ShortRetries"/>): a retried message comes back within a tenth of a second, and gives up
/// after a second.
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    /// <summary>Redeliveries of one copy left unsettled (its consumer crashed) before the broker dead-letters it.</summary>
    public const int DeliveryLimit = 2;

    /// <summary>Every queue's retry schedule in these tests, as configuration gives it (the jitter is the default's).</summary>
    public static readonly IReadOnlyDictionary<string, string?> ShortRetries = new Dictionary<string, string?>
    {
        ["Messaging:Retry:FirstDelay"] = "00:00:00.020",
        ["Messaging:Retry:MaxDelay"] = "00:00:00.100",
        ["Messaging:Retry:GiveUpAfter"] = "00:00:01",
    };

    private readonly IHost _host;
    private readonly CapturingLoggerProvider _log;
    private Task? _stopping;

    private WorkerHost(IHost host, CapturingLoggerProvider log)
    {
        _host = host;
        _log = log;
    }

    public IServiceProvider Services => _host.Services;

    public MessagePublisher Publisher => _host.Services.GetRequiredService<MessagePublisher>();

    /// <summary>Whether a log line so far contains <paramref name="text"/>.</summary>
    public bool HasLogged(string text) => _log.Lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>Starts a host consuming as <paramref name="consume"/> says; <paramref name="settings"/> are configuration added last.</summary>
    public static async Task<WorkerHost> StartAsync(
        RabbitMQBroker broker, Action<MessagingBuilder> consume, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = broker.ConnectionString,
            ["Messaging:DeliveryLimit"] = DeliveryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Configuration.AddInMemoryCollection(ShortRetries);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        // Handlers are scoped: resolving one outside a delivery's scope would be a bug, and is made to fail.
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
        var log = new CapturingLoggerProvider(TestContext.Current.TestOutputHelper);
        builder.Logging.AddProvider(log);

        consume(builder.AddRabbitMQMessaging("rabbitmq"));
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var worker = new WorkerHost(host, log);
        // A queue declared by two clients at once, the worker and a publisher, may refuse the first message published
        // to it (a quorum queue not quite started): tests publish once every queue is consumed.
        var queues = host.Services.GetServices<IHostedService>().OfType<QueueWorker>().Count();
        await Eventually.HoldsAsync(() => log.Lines.Count(line => line.Contains(": Consuming ", StringComparison.Ordinal)) >= queues, "every queue consumed");
        return worker;
    }

    /// <summary>Stops as a service does on SIGTERM: consumption ends, work in flight gets its queue's grace.</summary>
    public Task StopAsync() => _stopping ??= _host.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
