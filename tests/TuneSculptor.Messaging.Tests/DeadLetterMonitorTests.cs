using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using TuneSculptor.Contracts;
using TuneSculptor.Messaging.Tests.Harness;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests;

/// <summary>
/// A consuming service counts its queues' dead letters: the gauge reports how many wait, and the health check is
/// degraded (not unhealthy) while any do, healthy again once they are redriven.
/// </summary>
public sealed class DeadLetterMonitorTests(RabbitMQBroker broker) : IClassFixture<RabbitMQBroker>
{
    private readonly string _queue = $"tests-{Guid.NewGuid():N}";
    private readonly string _quietQueue = $"tests-{Guid.NewGuid():N}";
    private readonly QueueProbe _probe = new(broker);
    private readonly HandlerScript<WorkItem> _work = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dead_letters_waiting_are_counted_and_degrade_health_until_they_are_redriven()
    {
        foreach (var name in new[] { "first", "second" })
        {
            var item = WorkItem.Named(name);
            await _probe.PublishDeadLetterAsync(_queue, new BasicProperties { Persistent = true, Type = MessageType.Of<WorkItem>() }, JsonSerializer.SerializeToUtf8Bytes(item, MessageType.JsonOptions));
        }

        using var gauge = new DeadLetterGauge();
        await using var worker = await WorkerHost.StartAsync(
            broker,
            messaging => messaging.AddScriptedConsumer(_queue, _work).AddScriptedConsumer(_quietQueue, new HandlerScript<OtherWorkItem>()),
            new Dictionary<string, string?> { ["Messaging:DeadLetterPollInterval"] = "00:00:00.200" });
        var health = worker.Services.GetRequiredService<HealthCheckService>();

        // Each queue is reported once the monitor has counted it: one poll counts the queues one after another.
        await Eventually.HoldsAsync(() => gauge.Read(_queue) == 2 && gauge.Read(_quietQueue) == 0, "the gauge reading two dead letters, and none for the quiet queue");
        var degraded = await CheckAsync(health);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal($"dead letters waiting to be redriven: {_queue}.dead-letter: 2", degraded.Description);

        await DeadLetterRedrive.RunAsync(broker.ConnectionString, [_queue], job: null, NullLogger.Instance, Cancellation);

        await Eventually.HoldsAsync(() => gauge.Read(_queue) == 0, "the gauge reading no dead letters");
        await Eventually.HoldsAsync(async () => (await CheckAsync(health)).Status == HealthStatus.Healthy, "the check healthy again");
        Assert.Equal("no dead letters", (await CheckAsync(health)).Description);
        Assert.Equal(2, _work.Completed.Count);
    }

    private static async Task<HealthReportEntry> CheckAsync(HealthCheckService health) =>
        (await health.CheckHealthAsync(check => check.Name == "dead-letters", Cancellation)).Entries["dead-letters"];

    /// <summary>The dead-letter gauge as an exporter reads it: observed on demand, the last value per queue.</summary>
    private sealed class DeadLetterGauge : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _values = [];

        public DeadLetterGauge()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MessagingTelemetry.Name && instrument.Name == "tunesculptor.messaging.dead_letters")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "queue" && tag.Value is string queue)
                    {
                        _values[queue] = value;
                    }
                }
            });
            _listener.Start();
        }

        /// <summary>The gauge's value for <paramref name="queue"/> now; null when it reports none.</summary>
        public long? Read(string queue)
        {
            lock (_values)
            {
                _values.Clear();
                _listener.RecordObservableInstruments();
                return _values.TryGetValue(queue, out var value) ? value : null;
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
