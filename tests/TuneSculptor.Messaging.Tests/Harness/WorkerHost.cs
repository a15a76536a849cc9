using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>
/// A host with the messaging library on the test broker, as a service registers it, with tiny retry delays: a retried
/// message comes back within milliseconds.
/// </summary>
public sealed class WorkerHost : IAsyncDisposable
{
    /// <summary>Redeliveries before a message fails for good: it is handled at most this many times plus one.</summary>
    public const int DeliveryLimit = 2;

    private readonly IHost _host;
    private readonly CapturingLoggerProvider _log;
    private Task? _stopping;

    private WorkerHost(IHost host, CapturingLoggerProvider log)
    {
        _host = host;
        _log = log;
    }

    public MessagePublisher Publisher => _host.Services.GetRequiredService<MessagePublisher>();

    /// <summary>Whether a log line so far contains <paramref name="text"/>.</summary>
    public bool HasLogged(string text) => _log.Lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    public static async Task<WorkerHost> StartAsync(RabbitMQBroker broker, Action<MessagingBuilder> consume)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:rabbitmq"] = broker.ConnectionString,
            ["Messaging:DeliveryLimit"] = DeliveryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging:RetryDelay"] = "00:00:00.010",
            ["Messaging:MaxRetryDelay"] = "00:00:00.050",
        });
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
