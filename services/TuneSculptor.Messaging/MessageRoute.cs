using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging;

/// <summary>Where the messages of one AMQP <c>type</c> on one queue go: read from JSON, then to their handler.</summary>
internal abstract class MessageRoute(string queue, string typeName)
{
    public string Queue { get; } = queue;

    /// <summary>The AMQP <c>type</c> of the messages this route takes (<see cref="MessageType"/>).</summary>
    public string TypeName { get; } = typeName;

    /// <summary>The message in <paramref name="body"/>; null for a JSON null. Throws <see cref="JsonException"/> for any other unreadable body.</summary>
    public abstract IMessage? Read(ReadOnlySpan<byte> body);

    public abstract Task HandleAsync(IServiceProvider services, IMessage message, CancellationToken cancellationToken);

    public abstract Task OnFailedAsync(IServiceProvider services, IMessage message, string reason, CancellationToken cancellationToken);

    public abstract Task OnRetryScheduledAsync(IServiceProvider services, IMessage message, RetryNotice notice, CancellationToken cancellationToken);
}

/// <summary>Messages of type <typeparamref name="TMessage"/>, handled by a <typeparamref name="THandler"/> from the delivery's scope.</summary>
internal sealed class MessageRoute<TMessage, THandler>(string queue) : MessageRoute(queue, MessageType.Of<TMessage>())
    where TMessage : class, IMessage
    where THandler : class, IMessageHandler<TMessage>
{
    public override IMessage? Read(ReadOnlySpan<byte> body) => JsonSerializer.Deserialize<TMessage>(body, MessageType.JsonOptions);

    // The worker hands a route only the messages it read itself: the casts cannot fail.
    public override Task HandleAsync(IServiceProvider services, IMessage message, CancellationToken cancellationToken) =>
        services.GetRequiredService<THandler>().HandleAsync((TMessage)message, cancellationToken);

    public override Task OnFailedAsync(IServiceProvider services, IMessage message, string reason, CancellationToken cancellationToken) =>
        services.GetRequiredService<THandler>().OnFailedAsync((TMessage)message, reason, cancellationToken);

    // Through the interface: the handler may keep its default (a handler of two message types has one for each).
    public override Task OnRetryScheduledAsync(IServiceProvider services, IMessage message, RetryNotice notice, CancellationToken cancellationToken) =>
        ((IMessageHandler<TMessage>)services.GetRequiredService<THandler>()).OnRetryScheduledAsync((TMessage)message, notice, cancellationToken);
}
