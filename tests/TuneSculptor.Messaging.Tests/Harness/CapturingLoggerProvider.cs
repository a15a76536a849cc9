using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TuneSculptor.Messaging.Tests.Harness;

/// <summary>
/// Keeps a host's log, for tests to wait on what the worker says it does, and writes it to the test's output, to
/// tell what happened when a test fails.
/// </summary>
internal sealed class CapturingLoggerProvider(ITestOutputHelper? output) : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        Lines.Enqueue(line);
        output?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}");
            }
        }
    }
}
