using System.Globalization;
using System.Text;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>A message looked at in a queue (<see cref="QueueProbe.PeekAsync"/>).</summary>
public sealed record PeekedMessage(byte[] Body, string? Expiration, IReadOnlyDictionary<string, object?> Headers)
{
    /// <summary>Its AMQP properties (id, type, correlation id…), headers included.</summary>
    public RabbitMQ.Client.IReadOnlyBasicProperties? Properties { get; init; }

    /// <summary>A header written as text (AMQP gives it as bytes); null when absent.</summary>
    public string? Text(string header) => Headers.TryGetValue(header, out var value) && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>A header written as a number; null when absent.</summary>
    public long? Number(string header) => Headers.TryGetValue(header, out var value) && value is not null ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
}
