using System.Net;
using System.Net.Http.Headers;
using LLMKube.Gateway.Forwarding;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// A streamed answer of the mock: server-sent events handed out as the reader asks for them, waiting
/// <c>chunkDelay</c> between two events on the injected clock. The wait observes the reader's
/// cancellation, so the gateway's idle and duration limits cut a slow mock exactly as a slow server.
/// </summary>
internal sealed class MockEventStreamContent : HttpContent
{
    private readonly IReadOnlyList<byte[]> _events;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;

    public MockEventStreamContent(IReadOnlyList<byte[]> events, TimeSpan delay, TimeProvider time)
    {
        _events = events;
        _delay = delay;
        _time = time;
        Headers.ContentType = new MediaTypeHeaderValue("text/event-stream") { CharSet = "utf-8" };
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new EventStream(_events, _delay, _time));

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => CreateContentReadStreamAsync();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var events = new EventStream(_events, _delay, _time);
        await events.CopyToAsync(stream, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    private sealed class EventStream(IReadOnlyList<byte[]> events, TimeSpan delay, TimeProvider time) : ReadOnlyStream
    {
        private int _next;
        private ReadOnlyMemory<byte> _current;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_current.IsEmpty)
            {
                if (_next >= events.Count) return 0;
                if (_next > 0 && delay > TimeSpan.Zero) await Task.Delay(delay, time, cancellationToken);
                _current = events[_next++];
            }

            var n = Math.Min(buffer.Length, _current.Length);
            _current.Span[..n].CopyTo(buffer.Span);
            _current = _current[n..];
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
