using System.Net;
using LLMKube.Gateway.Errors;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// Wraps an upstream response body to enforce <c>streamIdleTimeout</c> (longest gap between chunks)
/// and <c>maxStreamDuration</c>, and to end an SSE stream the gateway cuts (or the upstream breaks)
/// with an <c>event: error</c> carrying an OpenAI error object instead of a silent truncation.
/// YARP then sees a normal end of body; the dispatcher reads <see cref="Cut"/> for the audit.
/// </summary>
internal sealed class GuardedResponseContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly GuardedStream _guard;

    public GuardedResponseContent(HttpContent inner, TimeSpan? idleTimeout, TimeSpan? maxDuration, bool sse, TimeProvider time)
    {
        _inner = inner;
        _guard = new GuardedStream(idleTimeout, maxDuration, sse, time);
        foreach (var header in inner.Headers) Headers.TryAddWithoutValidation(header.Key, header.Value);
    }

    public StreamCut Cut => _guard.Cut;

    /// <summary>The upstream error that broke the stream, when <see cref="Cut"/> is <see cref="StreamCut.UpstreamError"/>.</summary>
    public string? Error => _guard.Error;

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        _guard.Inner = await _inner.ReadAsStreamAsync(cancellationToken);
        return _guard;
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => throw new NotSupportedException("read through ReadAsStreamAsync");

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _guard.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed class GuardedStream(TimeSpan? idleTimeout, TimeSpan? maxDuration, bool sse, TimeProvider time) : Stream
    {
        private readonly long _started = time.GetTimestamp();
        private CancellationTokenSource? _timer;
        private CancellationToken _linkedFor;
        private CancellationTokenSource? _linked;
        private byte[]? _trailer;
        private int _trailerOffset;
        private bool _durationArmed;

        public Stream Inner { get; set; } = Null;
        public StreamCut Cut { get; private set; }
        public string? Error { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_trailer is not null) return DrainTrailer(buffer.Span);
            if (Cut != StreamCut.None) return 0;

            var limit = NextLimit();
            if (limit is null)
            {
                try { return await Inner.ReadAsync(buffer, cancellationToken); }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && sse && ex is IOException or HttpRequestException)
                {
                    return Fail(buffer.Span, StreamCut.UpstreamError, ex.Message);
                }
            }
            if (limit.Value <= TimeSpan.Zero) return Fail(buffer.Span, StreamCut.DurationExceeded, null);

            var token = Arm(cancellationToken, limit.Value);
            try
            {
                var read = await Inner.ReadAsync(buffer, token);
                _timer!.CancelAfter(Timeout.InfiniteTimeSpan);
                return read;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Decide by the limit that was armed: a timer may fire a few ms early by the stopwatch.
                var duration = _durationArmed || (maxDuration is { } max && time.GetElapsedTime(_started) >= max);
                return Fail(buffer.Span, duration ? StreamCut.DurationExceeded : StreamCut.IdleTimeout, null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is IOException or HttpRequestException)
            {
                return Fail(buffer.Span, StreamCut.UpstreamError, ex.Message);
            }
        }

        /// <summary>The time the next read may take; records in <see cref="_durationArmed"/> which limit it is.</summary>
        private TimeSpan? NextLimit()
        {
            TimeSpan? remaining = maxDuration is { } max ? max - time.GetElapsedTime(_started) : null;
            _durationArmed = remaining is { } r && (idleTimeout is not { } idle || r <= idle);
            return _durationArmed ? remaining : idleTimeout;
        }

        private CancellationToken Arm(CancellationToken outer, TimeSpan limit)
        {
            _timer ??= new CancellationTokenSource();
            if (_linked is null || _linkedFor != outer)
            {
                _linked?.Dispose();
                _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _timer.Token);
                _linkedFor = outer;
            }
            _timer.CancelAfter(limit);
            return _linked.Token;
        }

        private int Fail(Span<byte> destination, StreamCut cut, string? error)
        {
            Cut = cut;
            Error = error;
            if (!sse) throw new IOException($"stream cut by the gateway: {cut}");
            var (code, message) = cut switch
            {
                StreamCut.IdleTimeout => ("stream_idle_timeout", $"upstream sent nothing for {idleTimeout!.Value.TotalMilliseconds:0} ms; stream cut by the gateway"),
                StreamCut.DurationExceeded => ("stream_duration_exceeded", $"stream exceeded the maximum duration of {maxDuration!.Value.TotalMilliseconds:0} ms; cut by the gateway"),
                _ => ("upstream_stream_error", "the upstream connection broke during the stream"),
            };
            // A blank line first closes any event the upstream left half-written.
            var evt = OpenAIError.SseEvent(cut == StreamCut.UpstreamError ? 502 : 504, code, message);
            _trailer = new byte[evt.Length + 1];
            _trailer[0] = (byte)'\n';
            evt.CopyTo(_trailer, 1);
            return DrainTrailer(destination);
        }

        private int DrainTrailer(Span<byte> destination)
        {
            var n = Math.Min(destination.Length, _trailer!.Length - _trailerOffset);
            _trailer.AsSpan(_trailerOffset, n).CopyTo(destination);
            _trailerOffset += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _linked?.Dispose();
                _timer?.Dispose();
                Inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
