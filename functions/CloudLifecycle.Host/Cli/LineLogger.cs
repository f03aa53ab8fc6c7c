using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CloudLifecycle.Host.Cli;

/// <summary>
/// <c>serve</c>'s log: one line per entry on the writer it is given (stderr), with the time, the level
/// and the message, and the exception's type, message and stack on the lines after it. Thread-safe.
/// </summary>
internal sealed class LineLogger(TextWriter writer, LogLevel minimum = LogLevel.Warning) : ILogger
{
    private readonly Lock gate = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {Level(logLevel)}: {formatter(state, exception)}");
        lock (gate)
        {
            writer.WriteLine(line);
            if (exception is not null)
            {
                writer.WriteLine(exception.ToString());
            }

            writer.Flush();
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Critical => "crit",
        LogLevel.Error => "fail",
        LogLevel.Warning => "warn",
        LogLevel.Information => "info",
        _ => "dbug",
    };
}

/// <summary>Hands every category <c>serve</c>'s one <see cref="LineLogger"/>, for services that take a logger factory.</summary>
internal sealed class LineLoggerFactory(LineLogger logger) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void AddProvider(ILoggerProvider provider)
    {
        // One writer, one format: other providers are not added.
    }

    public void Dispose()
    {
        // The writer belongs to the caller.
    }
}
