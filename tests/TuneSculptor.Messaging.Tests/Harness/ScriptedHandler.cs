using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>A handler that does what its <see cref="HandlerScript{TMessage}"/> says and notes what happened.</summary>
public sealed class ScriptedHandler<TMessage>(HandlerScript<TMessage> script) : IMessageHandler<TMessage> where TMessage : IMessage
{
    private readonly Guid _instance = Guid.NewGuid();

    public async Task HandleAsync(TMessage message, CancellationToken cancellationToken)
    {
        script.Deliveries.Enqueue((message, _instance));
        try
        {
            await script.Handle(message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            script.Cancelled.Enqueue(message);
            throw;
        }

        script.Completed.Enqueue(message);
    }

    public async Task OnFailedAsync(TMessage message, string reason, CancellationToken cancellationToken)
    {
        script.FailureCalls.Enqueue((message, reason));
        await script.Fail(message, reason);
        script.Failures.Enqueue((message, reason));
    }

    public async Task OnRetryScheduledAsync(TMessage message, RetryNotice notice, CancellationToken cancellationToken)
    {
        script.RetryNotices.Enqueue((message, notice, DateTimeOffset.UtcNow));
        await script.RetryScheduled(message, notice, cancellationToken);
    }
}
