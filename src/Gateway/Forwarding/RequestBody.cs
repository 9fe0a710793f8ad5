using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The inbound request body, read once into a pooled buffer (every fallback attempt re-sends it),
/// with the two fields routing needs: top-level <c>model</c> and <c>stream</c>. Dispose returns the buffer.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;
    private int _modelStart = -1;
    private int _modelLength;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Top-level <c>model</c>, or null when absent.</summary>
    public string? Model { get; private set; }

    /// <summary>Top-level <c>"stream": true</c>.</summary>
    public bool Stream { get; private set; }

    /// <summary>Reads at most <paramref name="limit"/> bytes. Returns null and sets <paramref name="tooLarge"/> past the limit.</summary>
    public static async Task<RequestBody?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > limit) return null;
        var capacity = (int)Math.Min(request.ContentLength ?? 16 * 1024, limit + 1);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit) break;
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0) break;
                length += read;
                if (length > limit) break;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (length > limit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }
        return new RequestBody(buffer, length);
    }

    /// <summary>
    /// Validates the JSON and extracts <c>model</c>/<c>stream</c>. Returns an error message, or null when valid.
    /// </summary>
    public string? Parse(int maxDepth)
    {
        var span = Memory.Span;
        if (span.IsEmpty) return "request body is empty; expected a JSON object";
        // Utf8JsonReader does not validate UTF-8 inside strings: without this, invalid bytes would be forwarded,
        // and in "model" would fail GetString with an unhandled exception (500).
        if (!Utf8.IsValid(span)) return "request body is not valid JSON: it is not valid UTF-8";
        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "request body must be a JSON object";
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0) break;
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                    continue;
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String) return "'model' must be a string";
                    Model = reader.GetString();
                    _modelStart = (int)reader.TokenStartIndex;
                    _modelLength = (int)(reader.BytesConsumed - reader.TokenStartIndex);
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    Stream = reader.TokenType == JsonTokenType.True;
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                }
                else
                {
                    reader.Read();
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                }
            }
            while (reader.Read()) { } // trailing content after the object is malformed JSON
        }
        catch (JsonException ex)
        {
            return $"request body is not valid JSON: {Trim(ex.Message)}";
        }
        catch (InvalidOperationException ex)
        {
            // GetString on an escaped lone surrogate ("\ud800") that cannot be transcoded.
            return $"request body is not valid JSON: {Trim(ex.Message)}";
        }
        return null;
    }

    /// <summary>
    /// A stream of the body as sent to a backend: unchanged, or with the top-level <c>model</c> value
    /// replaced. Splices three slices instead of re-serializing, so large bodies are not copied.
    /// </summary>
    public (Stream Stream, long Length) OpenRead(string? modelOverride)
    {
        var memory = Memory;
        if (modelOverride is null || _modelStart < 0 || modelOverride == Model)
            return (new SplicedReadStream(memory, default, default), memory.Length);
        var encoded = JsonEncodedText.Encode(modelOverride).EncodedUtf8Bytes;
        var replacement = new byte[encoded.Length + 2];
        replacement[0] = (byte)'"';
        encoded.CopyTo(replacement.AsSpan(1));
        replacement[^1] = (byte)'"';
        var head = memory[.._modelStart];
        var tail = memory[(_modelStart + _modelLength)..];
        return (new SplicedReadStream(head, replacement, tail), head.Length + replacement.Length + tail.Length);
    }

    /// <summary>A copy of the body as a backend would receive it (for background shadow requests).</summary>
    public byte[] ToArray(string? modelOverride)
    {
        var (stream, length) = OpenRead(modelOverride);
        var copy = new byte[length];
        stream.ReadExactly(copy);
        return copy;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    private static string Trim(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    /// <summary>Reads three memory slices in sequence; YARP copies it upstream like any request body.</summary>
    private sealed class SplicedReadStream(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, ReadOnlyMemory<byte> c) : Stream
    {
        private ReadOnlyMemory<byte> _a = a, _b = b, _c = c;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            ref var current = ref (_a.IsEmpty ? ref (_b.IsEmpty ? ref _c : ref _b) : ref _a);
            var n = Math.Min(destination.Length, current.Length);
            current.Span[..n].CopyTo(destination);
            current = current[n..];
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Read(destination.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => Task.FromResult(Read(buffer.AsSpan(offset, count)));
    }
}
