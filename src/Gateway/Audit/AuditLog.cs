using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace LLMKube.Gateway.Audit;

/// <summary>
/// Writes one JSON line per request to stdout (or a file) from a background writer, so a slow terminal or
/// pipe never stalls the request path. Lines are written whole, in batches, and never split across writes.
/// A line is dropped only when 64k lines are already pending; drops are logged as a warning.
/// </summary>
internal sealed partial class AuditLog : IAsyncDisposable
{
    private const int BatchBytes = 64 * 1024;

    // Names and outcomes are JSON in a log line, never HTML: no \u0022-style escapes for readability.
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(65_536) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Stream _output;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditLog> _logger;
    private readonly Task _writer;
    private long _dropped;

    public AuditLog(Stream output, TimeProvider time, ILogger<AuditLog> logger)
    {
        _output = output;
        _time = time;
        _logger = logger;
        _writer = Task.Run(WriteLoop);
    }

    // One serializer per thread, reset per line: the only allocation per line is the queued byte array.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public void Write(AuditRecord record)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var json = t_writer ??= new Utf8JsonWriter(buffer, _writerOptions);
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
        json.WriteNumber("requestBytes", record.RequestBytes);
        json.WriteNumber("responseBytes", record.ResponseBytes);
        if (record.TtfbMs is { } ttfb) json.WriteNumber("ttfbMs", ttfb);
        if (record.TtftMs is { } ttft) json.WriteNumber("ttftMs", ttft);
        if (record.Usage is { } usage)
        {
            json.WriteNumber("promptTokens", usage.Prompt);
            json.WriteNumber("completionTokens", usage.Completion);
            json.WriteNumber("totalTokens", usage.Total);
        }
        else if (record.UsageMissing)
        {
            json.WriteString("usage", "missing");
        }
        if (record.CostUsd is { } cost) json.WriteNumber("costUSD", cost);
        json.WriteStartArray("attempts");
        foreach (var attempt in record.Attempts)
        {
            json.WriteStartObject();
            json.WriteString("backend", attempt.Backend);
            json.WriteString("outcome", attempt.Outcome);
            json.WriteNumber("status", attempt.Status);
            json.WriteNumber("ms", attempt.Milliseconds);
            if (attempt.Panic) json.WriteBoolean("panic", true);
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
        var batch = new byte[BatchBytes];
        while (await reader.WaitToReadAsync())
        {
            var used = 0;
            while (reader.TryRead(out var line))
            {
                if (used > 0 && used + line.Length > batch.Length)
                {
                    await _output.WriteAsync(batch.AsMemory(0, used));
                    used = 0;
                }
                if (line.Length > batch.Length)
                {
                    await _output.WriteAsync(line);
                    continue;
                }
                line.CopyTo(batch, used);
                used += line.Length;
            }
            if (used > 0) await _output.WriteAsync(batch.AsMemory(0, used));
            await _output.FlushAsync();
            ReportDrops();
        }
    }

    private void ReportDrops()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0) LogDropped(dropped);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        await _output.FlushAsync();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Count} audit line(s) dropped: the audit output is slower than the request rate")]
    private partial void LogDropped(long count);
}
