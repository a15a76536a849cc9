using System.Collections.Concurrent;
using TuneSculptor.Contracts;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>
/// What a test's <see cref="ScriptedHandler{TMessage}"/> does with each message, and what it saw: one per message type
/// (a singleton), shared by the handler instances of every delivery.
/// </summary>
public sealed class HandlerScript<TMessage> where TMessage : IMessage
{
    public Func<TMessage, CancellationToken, Task> Handle { get; set; } = (_, _) => Task.CompletedTask;

    public Func<TMessage, string, Task> Fail { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>What the handler does when told a retry is scheduled (<see cref="IMessageHandler{TMessage}.OnRetryScheduledAsync"/>).</summary>
    public Func<TMessage, RetryNotice, CancellationToken, Task> RetryScheduled { get; set; } = (_, _, _) => Task.CompletedTask;

    /// <summary>Every call of the handler: the message, and the handler instance (one per delivery's scope).</summary>
    public ConcurrentQueue<(TMessage Message, Guid Handler)> Deliveries { get; } = new();

    /// <summary>Messages whose <see cref="Handle"/> returned.</summary>
    public ConcurrentQueue<TMessage> Completed { get; } = new();

    /// <summary>Messages whose <see cref="Handle"/> saw the worker's cancellation.</summary>
    public ConcurrentQueue<TMessage> Cancelled { get; } = new();

    /// <summary>Every call of <see cref="IMessageHandler{TMessage}.OnFailedAsync"/>, whether recording then failed or not.</summary>
    public ConcurrentQueue<(TMessage Message, string Reason)> FailureCalls { get; } = new();

    /// <summary>Every call of <see cref="IMessageHandler{TMessage}.OnRetryScheduledAsync"/>, and when it came.</summary>
    public ConcurrentQueue<(TMessage Message, RetryNotice Notice, DateTimeOffset CalledAt)> RetryNotices { get; } = new();

    /// <summary>Failures recorded: <see cref="Fail"/> returned.</summary>
    public ConcurrentQueue<(TMessage Message, string Reason)> Failures { get; } = new();
}
