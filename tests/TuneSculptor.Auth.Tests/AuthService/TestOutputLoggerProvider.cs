using Microsoft.Extensions.Logging;

namespace TuneSculptor.Auth.Tests.AuthService;

/// <summary>
/// Writes the service's log to the output of the current test, which the runner shows only when it fails. Warnings
/// and errors logged outside any test (by background work once its test is over) go to standard error.
/// </summary>
internal sealed class TestOutputLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"[auth] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $"\n{exception}")}";
            try
            {
                if (TestContext.Current.TestOutputHelper is { } output)
                {
                    output.WriteLine(line);
                    return;
                }
            }
            catch (InvalidOperationException)
            {
                // The test this work started in is over: its output is closed.
            }

            if (logLevel >= LogLevel.Warning)
            {
                Console.Error.WriteLine(line);
            }
        }
    }
}
