using System.Text.Json;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging;

/// <summary>
/// Publishes persistent messages with publisher confirms: <see cref="PublishAsync{T}"/> returns once the broker has
/// taken responsibility for the message, and throws if it refused it or could not route it.
/// </summary>
public sealed class MessagePublisher(
    IConnection connection, IOptions<MessagingOptions> options, MessagingTelemetry telemetry, TimeProvider time) : IAsyncDisposable
{
    // A channel is not for concurrent use; publishes are few (one per upload or conversion), so they take turns.
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly HashSet<string> _declared = [];
    private IChannel? _channel;

    public async Task PublishAsync<T>(string queue, T message, CancellationToken cancellationToken) where T : IMessage
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, MessageType.JsonOptions);
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = "application/json",
            Type = MessageType.Of<T>(),
            MessageId = Guid.NewGuid().ToString("N"),
            CorrelationId = message.CorrelationId,
            Timestamp = new AmqpTimestamp(time.GetUtcNow().ToUnixTimeSeconds()),
            // RabbitMQ.Client adds traceparent here while publishing (its publish span is the consumer's parent).
            Headers = new Dictionary<string, object?> { [MessagingTelemetry.PublishedAtHeader] = telemetry.PublishedAtNow() },
        };

        await PublishConfirmedAsync(string.Empty, queue, properties, body, declare: queue, cancellationToken);
    }

    /// <summary>
    /// Publishes a copy of a delivery as it is (<paramref name="properties"/> and <paramref name="body"/>) to
    /// <paramref name="exchange"/>, and returns once the broker confirmed it: a retry, or a dead letter with its reason.
    /// Its destination must exist already (the consumer's worker declared it); unroutable, it throws.
    /// </summary>
    internal Task PublishCopyAsync(
        string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        PublishConfirmedAsync(exchange, routingKey, properties, body, declare: null, cancellationToken);

    private async Task PublishConfirmedAsync(
        string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, string? declare, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        // A confirm can be waited for forever: after a broker restart RabbitMQ.Client 7.2 may never complete it
        // (rabbitmq-dotnet-client#1930), and every later publish would queue behind this one.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        try
        {
            var channel = await GetChannelAsync(timeout.Token);
            if (declare is not null && !_declared.Contains(declare))
            {
                await Topology.DeclareAsync(channel, declare, options.Value.DeliveryLimit, timeout.Token);
                _declared.Add(declare);
            }

            await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, basicProperties: properties, body: body, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The channel may be stuck: the next publish starts on a new one.
            await ResetChannelAsync();
            throw new TimeoutException($"The broker did not confirm the message within {options.Value.PublishTimeout.TotalSeconds:0.#} s.", ex);
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task ResetChannelAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
            _channel = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        _turn.Dispose();
    }

    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        // Closed by the broker (a refused publish closes nothing, but a channel error does): start afresh.
        await ResetChannelAsync();
        _declared.Clear();
        _channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        return _channel;
    }
}
