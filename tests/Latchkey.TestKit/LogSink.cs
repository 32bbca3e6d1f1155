using System.Collections.Concurrent;

namespace Latchkey.TestKit;

/// <summary>Every log line the server wrote, with its exception, so tests can search them (e.g. for leaked secrets).</summary>
public sealed class LogSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public Action<string>? Echo { get; set; }

    public IReadOnlyCollection<string> Lines => _lines;

    public void Write(string line)
    {
        _lines.Enqueue(line);
        try
        {
            Echo?.Invoke(line);
        }
        catch (InvalidOperationException)
        {
            // The test that owned the output has finished; the line is still kept here.
        }
    }

    public string All => string.Join('\n', _lines);
}

public sealed class SinkLoggerProvider(LogSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new SinkLogger(sink, categoryName);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Trace;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel,-11} {category}: {formatter(state, exception)}";
            sink.Write(exception is null ? line : line + "\n" + exception);
        }
    }
}
