using Microsoft.Extensions.Logging;

namespace TuneSculptor.Testing;

/// <summary>
/// Keeps the AppHost's own log (DCP, the runtime choice, errors of Aspire itself) as <see cref="HostProcessSystem.AppHostLog"/>
/// instead of printing it: a passing run stays quiet, and a failure quotes it. The resources' output is collected
/// from Aspire's resource logger, so the copy Aspire also logs under "*.Resources.*" is left out.
/// </summary>
internal sealed class AppHostLogCollector(ResourceLog log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) =>
        categoryName.Contains(".Resources.", StringComparison.Ordinal) ? NoLogger.Instance : new Logger(categoryName, log);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ResourceLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            log.Add($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $"\n{exception}")}");
        }
    }

    private sealed class NoLogger : ILogger
    {
        public static readonly NoLogger Instance = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
