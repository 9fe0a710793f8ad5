using System.Runtime.CompilerServices;
using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The inbound request body, read once into a pooled buffer (every fallback attempt re-sends it),
/// with the fields routing and accounting need: top-level <c>model</c>, <c>stream</c> and
/// <c>stream_options.include_usage</c>. Dispose returns the buffer.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private static readonly byte[] _includeUsage = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();
    private static readonly byte[] _includeUsageMember = "\"include_usage\":true"u8.ToArray();

    private byte[]? _buffer;
    private int _modelStart = -1;
    private int _modelLength;
    private int _streamOptionsStart = -1;
    private int _streamOptionsLength;

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

    /// <summary><c>"stream_options": {"include_usage": true}</c>: the client wants the usage event of a stream.</summary>
    public bool StreamUsageRequested { get; private set; }

    /// <summary>Reads at most <paramref name="limit"/> bytes. Returns null and sets <paramref name="tooLarge"/> past the limit.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<RequestBody?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
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
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    _streamOptionsStart = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartObject) StreamUsageRequested = ReadIncludeUsage(ref reader);
                    else if (reader.TokenType == JsonTokenType.StartArray) reader.Skip();
                    _streamOptionsLength = (int)reader.BytesConsumed - _streamOptionsStart;
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
    /// replaced and, with <paramref name="requestUsage"/>, <c>stream_options.include_usage</c> set so the
    /// upstream reports the stream's usage. Splices slices instead of re-serializing, so large bodies are not copied.
    /// </summary>
    public (Stream Stream, long Length) OpenRead(string? modelOverride, bool requestUsage = false)
    {
        var memory = Memory;
        var model = modelOverride is null || _modelStart < 0 || modelOverride == Model ? null : EncodeString(modelOverride);
        var usage = requestUsage && !StreamUsageRequested;
        if (model is null && !usage) return (new SplicedReadStream(memory, default, default, default, default), memory.Length);

        // At most two edits, applied in body order: the model value, and stream_options (replaced, or inserted first).
        Edit first = default, second = default;
        if (model is not null) first = new Edit(_modelStart, _modelLength, model);
        if (usage)
        {
            var options = _streamOptionsStart >= 0
                ? new Edit(_streamOptionsStart, _streamOptionsLength, WithIncludeUsage(memory.Span.Slice(_streamOptionsStart, _streamOptionsLength)))
                : new Edit(ObjectStart(memory.Span) + 1, 0, _includeUsage);
            if (model is null) first = options;
            else if (options.Start < first.Start) (first, second) = (options, first);
            else second = options;
        }
        var head = memory[..first.Start];
        if (second.With.IsEmpty)
        {
            var rest = memory[(first.Start + first.Removed)..];
            return (new SplicedReadStream(head, first.With, rest, default, default), head.Length + first.With.Length + rest.Length);
        }
        var middle = memory[(first.Start + first.Removed)..second.Start];
        var tail = memory[(second.Start + second.Removed)..];
        return (new SplicedReadStream(head, first.With, middle, second.With, tail),
            head.Length + first.With.Length + middle.Length + second.With.Length + tail.Length);
    }

    private readonly record struct Edit(int Start, int Removed, ReadOnlyMemory<byte> With);

    /// <summary>A copy of the body as a backend would receive it (for background shadow requests).</summary>
    public byte[] ToArray(string? modelOverride)
    {
        var (stream, length) = OpenRead(modelOverride);
        var copy = new byte[length];
        stream.ReadExactly(copy);
        return copy;
    }

    // Upstream model names come from the config, so there are few: each is encoded once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _encoded = new(StringComparer.Ordinal);

    private static byte[] EncodeString(string value) => _encoded.Count < 4096 ? _encoded.GetOrAdd(value, Encode) : Encode(value);

    private static byte[] Encode(string value)
    {
        var encoded = JsonEncodedText.Encode(value).EncodedUtf8Bytes;
        var quoted = new byte[encoded.Length + 2];
        quoted[0] = (byte)'"';
        encoded.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        return quoted;
    }

    private static int ObjectStart(ReadOnlySpan<byte> body) => body.IndexOf((byte)'{');

    // Rare: the client sent stream_options without include_usage: true. Rewrite that small object only: its
    // other members are copied as they were sent, in order; include_usage is written once (true), even when
    // the client repeated it. The body was validated, at most as deep as the validator allows.
    private static byte[] WithIncludeUsage(ReadOnlySpan<byte> streamOptions)
    {
        var output = new ArrayBufferWriter<byte>(streamOptions.Length + 24);
        output.Write("{"u8);
        var members = 0;
        var written = false;
        if (streamOptions[0] == (byte)'{')
        {
            var reader = new Utf8JsonReader(streamOptions, new JsonReaderOptions { MaxDepth = 1000 });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                var isUsage = reader.ValueTextEquals("include_usage"u8);
                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                if (isUsage && written) continue;
                if (members++ > 0) output.Write(","u8);
                if (isUsage) output.Write(_includeUsageMember);
                else output.Write(streamOptions[start..(int)reader.BytesConsumed]);
                written |= isUsage;
            }
        }
        if (!written)
        {
            if (members > 0) output.Write(","u8);
            output.Write(_includeUsageMember);
        }
        output.Write("}"u8);
        return output.WrittenSpan.ToArray();
    }

    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        var requested = false;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("include_usage"u8))
            {
                reader.Read();
                requested = reader.TokenType == JsonTokenType.True;
            }
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        }
        return requested;
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

    /// <summary>Reads up to five memory slices in sequence; YARP copies it upstream like any request body.</summary>
    private sealed class SplicedReadStream(ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b, ReadOnlyMemory<byte> c, ReadOnlyMemory<byte> d, ReadOnlyMemory<byte> e) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _a = a, _b = b, _c = c, _d = d, _e = e;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            ref var current = ref (!_a.IsEmpty ? ref _a : ref !_b.IsEmpty ? ref _b : ref !_c.IsEmpty ? ref _c : ref !_d.IsEmpty ? ref _d : ref _e);
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
