using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>A write-only stream that collects complete lines (the audit log's output in tests).</summary>
public sealed class LineCapture : Stream
{
    private readonly object _gate = new();
    private readonly StringBuilder _partial = new();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _signal = new(0);

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public IReadOnlyList<JsonElement> Json => Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();

    /// <summary>Waits until at least <paramref name="count"/> lines were written.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (_lines.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _signal.WaitAsync(left))
                throw new TimeoutException($"expected {count} lines, got {_lines.Count}:\n{string.Join("\n", _lines)}");
        }
        return Json;
    }

    /// <summary>Waits for the audit line of the request with this id.</summary>
    public async Task<JsonElement> WaitForRequestAsync(Func<JsonElement, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            foreach (var line in Json) if (predicate(line)) return line;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _signal.WaitAsync(left))
                throw new TimeoutException($"no matching line among:\n{string.Join("\n", _lines)}");
        }
    }

    public void Clear() => _lines.Clear();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_gate)
        {
            _partial.Append(Encoding.UTF8.GetString(buffer));
            var text = _partial.ToString();
            int newline;
            while ((newline = text.IndexOf('\n')) >= 0)
            {
                _lines.Enqueue(text[..newline]);
                _signal.Release();
                text = text[(newline + 1)..];
            }
            _partial.Clear().Append(text);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
