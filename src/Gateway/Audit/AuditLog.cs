using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;

namespace LLMKube.Gateway.Audit;

/// <summary>
/// Writes one JSON line per request to stdout (or a file) from a background writer, so a slow terminal or
/// pipe never stalls the request path. Lines are written whole, in batches, and never split across writes.
/// A line is dropped only when 64k lines are already pending; drops are logged as a warning. A router's
/// <c>spec.policy.auditLog</c> file (<see cref="UseFile"/>) replaces the configured output while it is set.
/// </summary>
internal sealed partial class AuditLog : IAsyncDisposable
{
    private const int BatchBytes = 64 * 1024;

    // Names and outcomes are JSON in a log line, never HTML: no \u0022-style escapes for readability.
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Lines are pooled arrays: the writer returns each one once it is copied into a batch.
    private readonly Channel<ArraySegment<byte>> _queue = Channel.CreateBounded<ArraySegment<byte>>(
        new BoundedChannelOptions(65_536) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Stream _output;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditLog> _logger;
    private readonly Task _writer;
    private long _dropped;
    private long _droppedTotal;
    private volatile string? _file;
    private string? _openFile;
    private Stream? _fileStream;

    public AuditLog(Stream output, TimeProvider time, ILogger<AuditLog> logger)
    {
        _output = output;
        _time = time;
        _logger = logger;
        _writer = Task.Run(WriteLoop);
    }

    // One serializer per thread, reset per line: a line costs no allocation but its pooled copy in the queue.
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
        var request = record.Request;
        json.WriteString("router", request.Router);
        json.WriteString("requestId", request.RequestId);
        json.WriteString("path", request.Path);
        json.WriteString("model", request.Model);
        json.WriteString("classification", request.Classification);
        json.WriteString("taskComplexity", request.TaskComplexity);
        json.WriteBoolean("stream", request.Stream);
        json.WriteNumber("status", record.Status);
        json.WriteString("outcome", record.Outcome);
        json.WriteNumber("latencyMs", record.LatencyMs);
        json.WriteNumber("durationMs", record.DurationMs);
        if (request.Rule is not null) json.WriteString("rule", request.Rule);
        if (record.Backend is not null) json.WriteString("backend", record.Backend);
        if (record.BackendTier is not null) json.WriteString("backendTier", record.BackendTier);
        json.WriteNumber("timeoutMs", record.TimeoutMs);
        if (request.Shadow is not null) json.WriteString("shadow", request.Shadow);
        json.WriteNumber("requestBytes", request.RequestBytes);
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
        var attempts = record.Attempts;
        for (var i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
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
        var line = ArrayPool<byte>.Shared.Rent(buffer.WrittenCount);
        buffer.WrittenSpan.CopyTo(line);
        if (_queue.Writer.TryWrite(new ArraySegment<byte>(line, 0, buffer.WrittenCount))) return;
        ArrayPool<byte>.Shared.Return(line);
        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref _droppedTotal);
    }

    /// <summary>Lines dropped since start (the warning reports them in batches).</summary>
    public long DroppedTotal => Interlocked.Read(ref _droppedTotal);

    /// <summary>Sends the lines to <paramref name="path"/> (appended to) from the next batch on; null goes back to the configured output.</summary>
    public void UseFile(string? path) => _file = path;

    // Only the writer loop opens and closes the file, so a switch never races a write.
    private Stream Output()
    {
        var wanted = _file;
        if (wanted == _openFile) return _fileStream ?? _output;
        _fileStream?.Dispose();
        (_fileStream, _openFile) = (null, wanted);
        if (wanted is null) return _output;
        try
        {
            _fileStream = new FileStream(wanted, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            LogFile(wanted);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogFileFailed(wanted, ex);
        }
        return _fileStream ?? _output;
    }

    private async Task WriteLoop()
    {
        var reader = _queue.Reader;
        var batch = new byte[BatchBytes];
        while (await reader.WaitToReadAsync())
        {
            var output = Output();
            var used = 0;
            while (reader.TryRead(out var line))
            {
                try
                {
                    if (used > 0 && used + line.Count > batch.Length)
                    {
                        await output.WriteAsync(batch.AsMemory(0, used));
                        used = 0;
                    }
                    if (line.Count > batch.Length)
                    {
                        await output.WriteAsync(line.AsMemory());
                        continue;
                    }
                    line.AsSpan().CopyTo(batch.AsSpan(used));
                    used += line.Count;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(line.Array!);
                }
            }
            if (used > 0) await output.WriteAsync(batch.AsMemory(0, used));
            await output.FlushAsync();
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
        if (_fileStream is not null) await _fileStream.DisposeAsync();
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "audit lines go to {File} (spec.policy.auditLog)")]
    private partial void LogFile(string file);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "audit file {File} cannot be opened; audit lines go to the configured output meanwhile")]
    private partial void LogFileFailed(string file, Exception exception);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Count} audit line(s) dropped: the audit output is slower than the request rate")]
    private partial void LogDropped(long count);
}
