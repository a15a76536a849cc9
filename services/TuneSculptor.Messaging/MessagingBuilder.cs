using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging;

/// <summary>
/// What a service consumes, registered in one place: each <see cref="AddConsumer{TMessage, THandler}"/> routes one
/// message type on a queue to its handler, and each queue gets one worker that dispatches by the AMQP <c>type</c>.
/// </summary>
public sealed class MessagingBuilder
{
    // Beyond the longest grace, handing messages back and closing the channel take a moment.
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(10);

    private readonly HashSet<string> _queues = [];
    private readonly HashSet<(string Queue, string Type)> _routes = [];

    internal MessagingBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    /// <summary>
    /// Consumes the <typeparamref name="TMessage"/> messages of <paramref name="queue"/> with a
    /// <typeparamref name="THandler"/> (scoped: one per delivery). Several message types may share a queue; each type
    /// has one handler there.
    /// </summary>
    public MessagingBuilder AddConsumer<TMessage, THandler>(string queue)
        where TMessage : class, IMessage
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var route = new MessageRoute<TMessage, THandler>(queue);
        if (!_routes.Add((queue, route.TypeName)))
        {
            throw new InvalidOperationException($"Queue '{queue}' has a handler for '{route.TypeName}' messages already.");
        }

        Services.TryAddScoped<THandler>();
        Services.AddSingleton<MessageRoute>(route);
        if (_queues.Add(queue))
        {
            AddWorker(queue);
        }

        return this;
    }

    /// <summary>
    /// Sets the retry schedule of <paramref name="queue"/>: the service's defaults, documented where it calls this;
    /// configuration (<c>Messaging:Retry</c>, <c>Messaging:Queues:{queue}:Retry</c>) overrides them.
    /// </summary>
    public MessagingBuilder ConfigureRetry(string queue, Action<RetrySchedule> configure)
    {
        Services.AddOptions<QueueOptions>(queue).Configure(options => configure(options.Retry));
        return this;
    }

    /// <summary>Sets how <paramref name="queue"/> is consumed from the service's own settings, <typeparamref name="TSettings"/> (options).</summary>
    public MessagingBuilder ConfigureQueue<TSettings>(string queue, Action<QueueOptions, TSettings> configure) where TSettings : class
    {
        Services.AddOptions<QueueOptions>(queue).Configure<IOptions<TSettings>>((options, settings) => configure(options, settings.Value));
        return this;
    }

    private void AddWorker(string queue)
    {
        // Not AddHostedService: it keeps one registration per implementation type, and each queue has a worker of its own.
        Services.AddSingleton<IHostedService>(services => ActivatorUtilities.CreateInstance<QueueWorker>(services, queue));
        // After the service's own settings, whenever they were added: configuration has the last word.
        Services.AddOptions<QueueOptions>(queue).PostConfigure<IConfiguration>((options, configuration) =>
        {
            configuration.GetSection($"{MessagingOptions.Section}:Retry").Bind(options.Retry);
            configuration.GetSection($"{MessagingOptions.Section}:Queues:{queue}").Bind(options);
        });
        if (_queues.Count == 1)
        {
            // The host waits for its services to stop only so long: long enough for every queue's work in flight.
            Services.AddOptions<HostOptions>().Configure<IOptionsMonitor<QueueOptions>>((host, queues) =>
                host.ShutdownTimeout = _queues.Max(name => queues.Get(name).ShutdownGrace) + ShutdownMargin);
            // The consumer of a queue owns its dead letters: it counts them (a metric) and says when some wait (health).
            Services.AddSingleton(services => ActivatorUtilities.CreateInstance<DeadLetterMonitor>(services, _queues.ToList()));
            Services.AddSingleton<IHostedService>(services => services.GetRequiredService<DeadLetterMonitor>());
            Services.AddHealthChecks().AddCheck<DeadLetterHealthCheck>(DeadLetterHealthCheck.Name, HealthStatus.Degraded);
        }
    }
}
