using System.Net.Http.Json;
using System.Text.Json;
using RabbitMQ.Client;
using TuneSculptor.Contracts;
using TuneSculptor.Tests.Shared;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>
/// The tests' own hands on the broker, beside the worker under test: publishes (well-formed or not) and reads queue
/// states, each time on a fresh connection, so that it works the same before and after a broker restart.
/// </summary>
public sealed class QueueProbe(RabbitMQBroker broker)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public Task PublishAsync<T>(string queue, T message) where T : IMessage =>
        PublishRawAsync(queue, MessageType.Of<T>(), JsonSerializer.SerializeToUtf8Bytes(message, MessageType.JsonOptions));

    /// <summary>Publishes any body as any AMQP type, persistent and confirmed, to <paramref name="queue"/> (declared as the worker declares it).</summary>
    public async Task PublishRawAsync(string queue, string? type, byte[] body)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Cancellation);
        await Topology.DeclareAsync(channel, queue, WorkerHost.DeliveryLimit, Cancellation);
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json", Type = type };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, Cancellation);
    }

    /// <summary>
    /// Puts a message straight into the dead-letter queue of <paramref name="queue"/> (both declared as the worker
    /// declares them), with whatever properties and headers a dead letter may carry.
    /// </summary>
    public async Task PublishDeadLetterAsync(string queue, BasicProperties properties, byte[] body)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Cancellation);
        await Topology.DeclareAsync(channel, queue, WorkerHost.DeliveryLimit, Cancellation);
        await channel.BasicPublishAsync(Topology.DeadLetterExchange, queue, mandatory: true, properties, body, Cancellation);
    }

    /// <summary>Messages ready in <paramref name="queue"/>, and its consumers (a passive declare: exact, unlike the management API).</summary>
    public async Task<(uint Ready, uint Consumers)> InspectAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        var state = await channel.QueueDeclarePassiveAsync(queue, Cancellation);
        return (state.MessageCount, state.ConsumerCount);
    }

    public async Task<uint> CountDeadLettersAsync(string queue) => (await InspectAsync(Topology.DeadLetterQueue(queue))).Ready;

    /// <summary>Messages of <paramref name="queue"/> that failed permanently (<see cref="Topology.RejectedQueue"/>).</summary>
    public async Task<uint> CountRejectedAsync(string queue) => (await InspectAsync(Topology.RejectedQueue(queue))).Ready;

    /// <summary>Whether <paramref name="queue"/> exists (a passive declare, on a channel of its own: a missing queue closes it).</summary>
    public async Task<bool> ExistsAsync(string queue)
    {
        try
        {
            await InspectAsync(queue);
            return true;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }

    public async Task DeleteQueueAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: Cancellation);
    }

    /// <summary>The messages dead-lettered from <paramref name="queue"/>; they stay there.</summary>
    public Task<IReadOnlyList<PeekedMessage>> PeekDeadLettersAsync(string queue) => PeekAsync(Topology.DeadLetterQueue(queue));

    /// <summary>The messages waiting in <paramref name="queue"/>, with their properties; they stay there.</summary>
    public async Task<IReadOnlyList<PeekedMessage>> PeekAsync(string queue)
    {
        var messages = new List<PeekedMessage>();
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        while (await channel.BasicGetAsync(queue, autoAck: false, Cancellation) is { } message)
        {
            messages.Add(new PeekedMessage(message.Body.ToArray(), message.BasicProperties.Expiration, new Dictionary<string, object?>(message.BasicProperties.Headers ?? new Dictionary<string, object?>()))
            {
                Properties = new BasicProperties(message.BasicProperties),
            });
        }

        // Unacknowledged, they go back to the queue when the channel closes.
        return messages;
    }

    /// <summary>
    /// Takes the next message of <paramref name="queue"/> and closes the channel without settling it, as a consumer
    /// that crashes on it does; false when the queue was empty.
    /// </summary>
    public async Task<bool> TakeAndCrashAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancellation);
        return await channel.BasicGetAsync(queue, autoAck: false, Cancellation) is not null;
    }

    /// <summary>
    /// The management API's view of <paramref name="queue"/>: counts the broker keeps (unacknowledged deliveries among
    /// them, which AMQP cannot ask for), refreshed every few seconds.
    /// </summary>
    public async Task<QueueStatistics> GetStatisticsAsync(string queue)
    {
        var uri = new Uri(broker.ConnectionString);
        using var http = new HttpClient { BaseAddress = broker.ManagementEndpoint };
        var credentials = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo)));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", credentials);
        var json = await http.GetFromJsonAsync<JsonElement>($"/api/queues/%2F/{Uri.EscapeDataString(queue)}", Cancellation);
        long Read(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;
        var stats = json.TryGetProperty("message_stats", out var messageStats) ? messageStats : default;
        return new QueueStatistics(
            Read(json, "messages_ready"),
            Read(json, "messages_unacknowledged"),
            stats.ValueKind == JsonValueKind.Object ? Read(stats, "deliver_get") : 0,
            stats.ValueKind == JsonValueKind.Object ? Read(stats, "redeliver") : 0,
            stats.ValueKind == JsonValueKind.Object ? Read(stats, "ack") : 0);
    }

    private Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { Uri = new Uri(broker.ConnectionString), AutomaticRecoveryEnabled = false }
            .CreateConnectionAsync("tests-probe", Cancellation);
}
