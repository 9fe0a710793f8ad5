using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;

namespace LLMKube.Gateway.Audit;

/// <summary>
/// Writes one JSON line per request to stdout (or another stream) from a background writer, so a
/// slow terminal or pipe never stalls the request path. Lines are dropped, and counted, only if
/// the queue of 64k pending lines is full.
/// </summary>
internal sealed class AuditLog : IAsyncDisposable
{
    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(65_536) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Stream _output;
    private readonly TimeProvider _time;
    private readonly Task _writer;
    private long _dropped;

    public AuditLog(Stream output, TimeProvider time)
    {
        // Buffered, and flushed whenever the queue runs dry: one write per burst of lines, not one per line.
        _output = new BufferedStream(output, 64 * 1024);
        _time = time;
        _writer = Task.Run(WriteLoop);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    // One serializer per thread, reset per line: the only allocation per line is the queued byte array.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public void Write(AuditRecord record)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        json.WriteStartObject();
        json.WriteString("time", _time.GetUtcNow());
        json.WriteString("level", "INFO");
        json.WriteString("msg", "router.dispatch");
        json.WriteString("router", record.Router);
        json.WriteString("requestId", record.RequestId);
        json.WriteString("path", record.Path);
        json.WriteString("model", record.Model);
        json.WriteString("classification", record.Classification);
        json.WriteString("taskComplexity", record.TaskComplexity);
        json.WriteBoolean("stream", record.Stream);
        json.WriteNumber("status", record.Status);
        json.WriteString("outcome", record.Outcome);
        json.WriteNumber("latencyMs", record.LatencyMs);
        json.WriteNumber("durationMs", record.DurationMs);
        if (record.Rule is not null) json.WriteString("rule", record.Rule);
        if (record.Backend is not null) json.WriteString("backend", record.Backend);
        if (record.BackendTier is not null) json.WriteString("backendTier", record.BackendTier);
        json.WriteNumber("timeoutMs", record.TimeoutMs);
        if (record.Shadow is not null) json.WriteString("shadow", record.Shadow);
        json.WriteStartArray("attempts");
        foreach (var attempt in record.Attempts)
        {
            json.WriteStartObject();
            json.WriteString("backend", attempt.Backend);
            json.WriteString("outcome", attempt.Outcome);
            json.WriteNumber("status", attempt.Status);
            json.WriteNumber("ms", attempt.Milliseconds);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        buffer.Write("\n"u8);
        if (!_queue.Writer.TryWrite(buffer.WrittenSpan.ToArray())) Interlocked.Increment(ref _dropped);
    }

    private async Task WriteLoop()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var line)) await _output.WriteAsync(line);
            await _output.FlushAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        await _output.FlushAsync();
    }
}
