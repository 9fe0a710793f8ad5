using System.Runtime.CompilerServices;
using System.Buffers;
using System.Net;
using LLMKube.Gateway.Accounting;
using LLMKube.Gateway.Errors;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The upstream response body as the client receives it. Enforces <c>streamIdleTimeout</c> (longest gap
/// between reads), <c>maxStreamDuration</c> and the shutdown drain deadline, and ends an SSE stream it cuts
/// (or the upstream breaks) with an <c>event: error</c> carrying an OpenAI error object instead of a silent
/// truncation. On the way it counts bytes and reads the upstream's token <c>usage</c> (JSON bodies and SSE
/// events), removing the usage-only SSE event the gateway asked for on the client's behalf. YARP sees a
/// normal end of body; the dispatcher reads the results once the relay is over.
/// </summary>
internal sealed class RelayedContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly RelayStream _stream;

    // No headers of its own: YARP copied the upstream's to the client response before the body is wrapped,
    // and the body may be shortened (a dropped usage event) or end with an error event, so it has no length.
    public RelayedContent(HttpContent inner, RelayOptions options, TimeProvider time)
    {
        _inner = inner;
        _stream = new RelayStream(options, time);
    }

    public StreamCut Cut => _stream.Cut;

    /// <summary>The upstream error that broke the stream, when <see cref="Cut"/> is <see cref="StreamCut.UpstreamError"/>.</summary>
    public string? Error => _stream.Error;

    /// <summary>Bytes relayed to the client.</summary>
    public long Bytes => _stream.Bytes;

    /// <summary>Stopwatch timestamp of the first body byte relayed; 0 when none was.</summary>
    public long FirstByteAt => _stream.FirstByteAt;

    /// <summary>Stopwatch timestamp of the first SSE event with generated output; 0 for JSON or when none came.</summary>
    public long FirstTokenAt => _stream.Sse?.FirstTokenAt ?? 0;

    /// <summary>The upstream's token usage, when its body reported one.</summary>
    public TokenUsage? Usage => _stream.Sse is { } sse ? sse.Usage : _stream.Json?.Usage;

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        _stream.Inner = await _inner.ReadAsStreamAsync(cancellationToken);
        return _stream;
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
            _stream.Dispose();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>What one relay enforces and measures.</summary>
    internal readonly record struct RelayOptions(
        TimeSpan? IdleTimeout,
        TimeSpan? MaxDuration,
        bool Sse,
        bool DropUsageOnlyEvents,
        bool MeterJson,
        CancellationToken Drain,
        Action? OnFirstByte);

    private sealed class RelayStream : ReadOnlyStream
    {
        private readonly RelayOptions _options;
        private readonly TimeProvider _time;
        private readonly long _started;
        private readonly PooledBuffer? _pending;
        private int _pendingOffset;
        // Cancels a read on a limit, the drain deadline, or the caller's token (registered onto it): created
        // only when there is something to watch, so a plain JSON body costs no timer.
        private CancellationTokenSource? _timer;
        private CancellationTokenRegistration _drainRegistration;
        private CancellationTokenRegistration _outerRegistration;
        private CancellationToken _registeredOuter;
        private byte[]? _trailer;
        private int _trailerOffset;
        private bool _durationArmed;
        private volatile bool _drained;
        private bool _ended;

        public RelayStream(RelayOptions options, TimeProvider time)
        {
            _options = options;
            _time = time;
            _started = time.GetTimestamp();
            if (options.Sse) Sse = new SseMeter(time, options.DropUsageOnlyEvents);
            else if (options.MeterJson) Json = new UsageScanner();
            if (options.DropUsageOnlyEvents && options.Sse) _pending = new PooledBuffer();
            // A stream can outlive the drain deadline; a JSON body is read in moments and Kestrel's own stop ends it.
            // A read waiting at the deadline is ended by closing the upstream stream under it: no timer per stream.
            if (options.Sse && options.Drain.CanBeCanceled)
            {
                _drainRegistration = options.Drain.UnsafeRegister(static state =>
                {
                    var self = (RelayStream)state!;
                    self._drained = true;
                    if (self._timer is { } timer) timer.Cancel();
                    else self.Inner.Dispose();
                }, this);
            }
        }

        public Stream Inner { get; set; } = Null;
        public SseMeter? Sse { get; }
        public UsageScanner? Json { get; }
        public StreamCut Cut { get; private set; }
        public string? Error { get; private set; }
        public long Bytes { get; private set; }
        public long FirstByteAt { get; private set; }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_trailer is not null) return Count(DrainTrailer(buffer.Span), fromUpstream: false);
            if (buffer.IsEmpty) return await WaitForDataAsync(cancellationToken);
            while (true)
            {
                if (_pending is not null && _pendingOffset < _pending.Length) return Count(TakePending(buffer.Span));
                if (_ended || Cut != StreamCut.None) return 0;

                if (_pending is not null)
                {
                    // With usage events to remove, the upstream's bytes go through a scratch buffer first. It is
                    // rented for this read only: YARP's zero-byte read did the waiting, so an idle stream holds none.
                    var scratch = ArrayPool<byte>.Shared.Rent(4 * 1024);
                    try
                    {
                        var got = await ReadInnerAsync(scratch, cancellationToken);
                        if (got == 0) End();
                        else Sse!.Process(scratch.AsSpan(0, got), _pending);
                    }
                    catch (RelayCut cut)
                    {
                        return Count(Fail(buffer.Span, cut.Kind, cut.Message), fromUpstream: false);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(scratch);
                    }
                    continue;
                }

                int read;
                try
                {
                    read = await ReadInnerAsync(buffer, cancellationToken);
                }
                catch (RelayCut cut)
                {
                    return Count(Fail(buffer.Span, cut.Kind, cut.Message), fromUpstream: false);
                }
                if (read == 0)
                {
                    End();
                    return 0;
                }
                var span = buffer.Span[..read];
                Sse?.Process(span, null);
                Json?.Feed(span);
                return Count(read);
            }
        }

        private void End()
        {
            _ended = true;
            Sse?.Complete(_pending);
            Json?.Feed([], final: true);
        }

        // YARP's copier first reads zero bytes, to wait for data without holding a buffer: pass it on, and
        // never take its 0 for the end of the body.
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken)
        {
            if (_ended || Cut != StreamCut.None || (_pending is not null && _pendingOffset < _pending.Length)) return 0;
            try
            {
                await ReadInnerAsync(Memory<byte>.Empty, cancellationToken);
            }
            catch (RelayCut cut)
            {
                Fail([], cut.Kind, cut.Message);
            }
            return 0;
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> ReadInnerAsync(Memory<byte> target, CancellationToken cancellationToken)
        {
            if (_drained) throw new RelayCut(StreamCut.Shutdown, null);
            var limit = NextLimit();
            if (limit is { } l && l <= TimeSpan.Zero) throw new RelayCut(StreamCut.DurationExceeded, null);
            var token = Arm(cancellationToken, limit);
            try
            {
                var read = await Inner.ReadAsync(target, token);
                if (limit is not null) _timer!.CancelAfter(Timeout.InfiniteTimeSpan);
                return read;
            }
            catch (Exception) when (_drained && !cancellationToken.IsCancellationRequested)
            {
                throw new RelayCut(StreamCut.Shutdown, null);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Decide by the limit that was armed: a timer may fire a few ms early by the stopwatch.
                var duration = _durationArmed || (_options.MaxDuration is { } max && _time.GetElapsedTime(_started) >= max);
                throw new RelayCut(duration ? StreamCut.DurationExceeded : StreamCut.IdleTimeout, null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is IOException or HttpRequestException)
            {
                throw new RelayCut(StreamCut.UpstreamError, ex.Message);
            }
        }

        // The error event the gateway writes at a cut is no sign of a working upstream: it never counts as
        // the upstream's first byte (which releases a half-open probe's circuit).
        private int Count(int n, bool fromUpstream = true)
        {
            if (n > 0)
            {
                if (Bytes == 0)
                {
                    FirstByteAt = _time.GetTimestamp();
                    if (fromUpstream) _options.OnFirstByte?.Invoke();
                }
                Bytes += n;
            }
            return n;
        }

        private int TakePending(Span<byte> destination)
        {
            var available = _pending!.WrittenSpan[_pendingOffset..];
            var n = Math.Min(destination.Length, available.Length);
            available[..n].CopyTo(destination);
            _pendingOffset += n;
            if (_pendingOffset == _pending.Length)
            {
                _pending.Clear();
                _pendingOffset = 0;
            }
            return n;
        }

        /// <summary>The time the next read may take; records in <see cref="_durationArmed"/> which limit it is.</summary>
        private TimeSpan? NextLimit()
        {
            TimeSpan? remaining = _options.MaxDuration is { } max ? max - _time.GetElapsedTime(_started) : null;
            _durationArmed = remaining is { } r && (_options.IdleTimeout is not { } idle || r <= idle);
            return _durationArmed ? remaining : _options.IdleTimeout;
        }

        private CancellationToken Arm(CancellationToken outer, TimeSpan? limit)
        {
            // Nothing to watch but the caller's token: use it alone.
            if (limit is null && _timer is null) return outer;
            _timer ??= new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
            if (_registeredOuter != outer)
            {
                // The caller's token cancels the timer's: one registration, not a linked source per read.
                _outerRegistration.Dispose();
                _outerRegistration = outer.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _timer);
                _registeredOuter = outer;
            }
            if (limit is { } l) _timer.CancelAfter(l);
            return _timer.Token;
        }

        private int Fail(Span<byte> destination, StreamCut cut, string? error)
        {
            Cut = cut;
            Error = error;
            if (!_options.Sse) throw new IOException($"stream cut by the gateway: {cut}");
            var (status, code, message) = cut switch
            {
                StreamCut.IdleTimeout => (504, "stream_idle_timeout", $"upstream sent nothing for {_options.IdleTimeout!.Value.TotalMilliseconds:0} ms; stream cut by the gateway"),
                StreamCut.DurationExceeded => (504, "stream_duration_exceeded", $"stream exceeded the maximum duration of {_options.MaxDuration!.Value.TotalMilliseconds:0} ms; cut by the gateway"),
                StreamCut.Shutdown => (503, "gateway_shutting_down", "the gateway is shutting down and its drain timeout has passed; stream ended by the gateway"),
                _ => (502, "upstream_stream_error", "the upstream connection broke during the stream"),
            };
            // A blank line first closes any event the upstream left half-written.
            var evt = OpenAIError.SseEvent(status, code, message);
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
                _drainRegistration.Dispose();
                _outerRegistration.Dispose();
                _timer?.Dispose();
                _pending?.Dispose();
                Sse?.Dispose();
                Inner.Dispose();
            }
            base.Dispose(disposing);
        }

        private sealed class RelayCut(StreamCut kind, string? message) : Exception(message)
        {
            public StreamCut Kind { get; } = kind;
        }
    }
}
