using System.Collections.Concurrent;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>Collects every formatted log message (with exception text) of a host, for "never logged" assertions.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => _messages.ToArray();

    /// <summary>Waits until a message satisfies <paramref name="predicate"/>; returns it.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_messages.FirstOrDefault(predicate) is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no matching log message among:\n" + string.Join("\n", _messages.TakeLast(40)));
            await Task.Delay(20);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _messages);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
