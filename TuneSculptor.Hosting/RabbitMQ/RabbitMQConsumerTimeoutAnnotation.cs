namespace TuneSculptor.Hosting.RabbitMQ;

/// <summary>The broker's <c>consumer_timeout</c> (<see cref="RabbitMQBrokerBuilderExtensions.WithConsumerTimeout"/>), for the forms that write its configuration themselves.</summary>
public sealed class RabbitMQConsumerTimeoutAnnotation(TimeSpan timeout) : IResourceAnnotation
{
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The line of rabbitmq.conf (milliseconds), the same on 3.10 (Debian, our images) and 4.x (the official image).</summary>
    public string ConfigLine => $"consumer_timeout = {(long)Timeout.TotalMilliseconds}";
}
