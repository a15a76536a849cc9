using System.Text.Json;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging;

/// <summary>
/// Moves dead letters back to their work queue once their cause is fixed (<c>video.dead-letter</c> → <c>video</c>): all
/// of them, or one job's. Shared by the AppHost's dashboard commands and the services' <see cref="RedriveCommand"/>.
/// <list type="bullet">
/// <item>Nothing is lost: each copy is confirmed by the broker before its dead letter is acked (a failure in between
/// leaves it in both places, and the handlers are safe to repeat).</item>
/// <item>One pass: at most the dead letters there at the start are taken, so a message that fails again and is
/// dead-lettered during the run is not sent back twice (and a poison message cannot loop).</item>
/// <item>The copy starts afresh: without the dead-letter headers, the broker's death records and our retry count
/// (<see cref="MessageHeaders"/>), so it gets its queue's whole retry schedule again; its id, type, correlation id and
/// trace context are kept.</item>
/// <item>Another job's dead letters stay in place and in order: held unacknowledged while the run goes on, then given
/// back with a nack (requeue), which RabbitMQ 4.3+ does not count toward a quorum queue's delivery limit.</item>
/// </list>
/// </summary>
public sealed partial class DeadLetterRedrive(IConnection connection, ILogger logger, TimeProvider? time = null)
{
    /// <summary>The header a redriven copy carries: when it was sent back, in Unix milliseconds.</summary>
    public const string RedrivenAtHeader = "redriven-at-ms";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    /// <summary>What the copy leaves behind: the story of the attempts that ended in the dead-letter queue.</summary>
    private static readonly HashSet<string> SpentHeaders =
    [
        MessageHeaders.Attempt, MessageHeaders.FirstFailedAt, MessageHeaders.RetryAt, MessageHeaders.LastError,
        MessageHeaders.DeadLetterCause, MessageHeaders.DeadLetterReason, MessageHeaders.DeadLetteredAt,
        "x-delivery-count", .. MessageHeaders.BrokerDeathHeaders,
    ];

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Connects to the broker of <paramref name="connectionString"/> (an <c>amqp://</c> URI, as Aspire gives it) and
    /// redrives each of <paramref name="queues"/> in turn. Throws <see cref="BrokerUnreachableException"/> when the
    /// broker cannot be reached, <see cref="ArgumentException"/> for a queue without a dead-letter queue.
    /// </summary>
    public static async Task<IReadOnlyList<RedriveResult>> RunAsync(
        string connectionString, IEnumerable<string> queues, JobId? job, ILogger logger, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(connectionString),
            // A one-off run: an unreachable broker is an answer, not something to wait out.
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            ClientProvidedName = "tunesculptor-redrive",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var redrive = new DeadLetterRedrive(connection, logger);
        var results = new List<RedriveResult>();
        foreach (var queue in queues)
        {
            results.Add(await redrive.RedriveAsync(queue, job, cancellationToken));
        }

        return results;
    }

    /// <summary>
    /// Sends the dead letters of <paramref name="queue"/> back to it: all of them, or only <paramref name="job"/>'s
    /// (the message's correlation id, or its body's <c>job_id</c>).
    /// </summary>
    public async Task<RedriveResult> RedriveAsync(string queue, JobId? job, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var deadLetters = Topology.DeadLetterQueue(queue);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        uint depth;
        try
        {
            depth = (await channel.QueueDeclarePassiveAsync(deadLetters, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            throw new ArgumentException($"Queue '{queue}' has no dead-letter queue ({deadLetters}) on this broker.", nameof(queue), ex);
        }

        var moved = 0;
        // Taken and not (yet) moved, in the order taken: given back in that order at the end.
        var held = new List<ulong>();
        try
        {
            for (var taken = 0u; taken < depth; taken++)
            {
                if (await channel.BasicGetAsync(deadLetters, autoAck: false, cancellationToken) is not { } message)
                {
                    break;
                }

                if (job is { } id && !BelongsTo(message, id))
                {
                    held.Add(message.DeliveryTag);
                    continue;
                }

                try
                {
                    await PublishConfirmedAsync(channel, queue, Redriven(message.BasicProperties), message.Body, cancellationToken);
                }
                catch
                {
                    // Not confirmed: it stays a dead letter, in its place.
                    held.Add(message.DeliveryTag);
                    throw;
                }

                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                moved++;
                LogMoved(logger, message.BasicProperties.MessageId ?? "(no id)", message.BasicProperties.CorrelationId ?? "(none)", deadLetters, queue);
            }
        }
        finally
        {
            if (channel.IsOpen)
            {
                foreach (var tag in held)
                {
                    // Not cancelled: a run stopped half-way still gives back what it holds (closing the channel would too).
                    await channel.BasicNackAsync(tag, multiple: false, requeue: true, CancellationToken.None);
                }
            }
        }

        var result = new RedriveResult(queue, moved, held.Count);
        LogRedriven(logger, result.Moved, deadLetters, queue, result.Left, job?.ToString() ?? "every job");
        return result;
    }

    private static async Task PublishConfirmedAsync(
        IChannel channel, string queue, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        // A confirm can be waited for forever after a broker restart (rabbitmq-dotnet-client#1930): bounded, as MessagePublisher does.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PublishTimeout);
        try
        {
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body, timeout.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The broker did not confirm a redriven message to '{queue}' within {PublishTimeout.TotalSeconds:0} s.", ex);
        }
    }

    /// <summary>The dead letter's properties for a fresh start: its id, type, correlation and trace context, not its past attempts.</summary>
    private BasicProperties Redriven(IReadOnlyBasicProperties deadLetter)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var headers = deadLetter.Headers?
            .Where(header => !SpentHeaders.Contains(header.Key))
            .ToDictionary(header => header.Key, header => header.Value)
            ?? [];
        // Its queue wait is measured from now (MessagingTelemetry), not from the first publish hours ago.
        headers[MessagingTelemetry.PublishedAtHeader] = now;
        headers[RedrivenAtHeader] = now;
        return new BasicProperties(deadLetter) { Headers = headers, Expiration = null, Persistent = true };
    }

    private static bool BelongsTo(BasicGetResult message, JobId job)
    {
        if (message.BasicProperties.CorrelationId is { } correlation)
        {
            return string.Equals(correlation, job.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        // Published without a correlation id (not by MessagePublisher): the job's id in the body, if it is readable.
        try
        {
            using var body = JsonDocument.Parse(message.Body);
            return body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("job_id", out var id)
                && id.ValueKind == JsonValueKind.String
                && JobId.TryParse(id.GetString(), out var parsed)
                && parsed == job;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Message {MessageId} ({CorrelationId}) moved from {DeadLetterQueue} back to {Queue}")]
    private static partial void LogMoved(ILogger logger, string messageId, string correlationId, string deadLetterQueue, string queue);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redrive: {Moved} dead letter(s) moved from {DeadLetterQueue} back to {Queue}, {Left} of other jobs left ({Selection})")]
    private static partial void LogRedriven(ILogger logger, int moved, string deadLetterQueue, string queue, int left, string selection);
}
