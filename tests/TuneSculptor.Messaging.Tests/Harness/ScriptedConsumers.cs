using Microsoft.Extensions.DependencyInjection;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests.Harness;

public static class ScriptedConsumers
{
    /// <summary>Consumes the <typeparamref name="TMessage"/> messages of <paramref name="queue"/> as <paramref name="script"/> says.</summary>
    public static MessagingBuilder AddScriptedConsumer<TMessage>(this MessagingBuilder messaging, string queue, HandlerScript<TMessage> script)
        where TMessage : class, IMessage
    {
        messaging.Services.AddSingleton(script);
        return messaging.AddConsumer<TMessage, ScriptedHandler<TMessage>>(queue);
    }
}
