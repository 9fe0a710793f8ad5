using System.Collections.Concurrent;

namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// Token sources for per-attempt deadlines, reused across requests as YARP reuses its activity token
/// sources: a new source and its timer per attempt cost more than the rest of the gateway's per-request
/// state. Only sources of the system clock are pooled (<see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>
/// keeps their timer); another <see cref="TimeProvider"/> (a test's fake clock) gets a new source each time.
/// A source is reused only when <see cref="CancellationTokenSource.TryReset"/> succeeds, which also drops the
/// registrations left on it; one that was cancelled is disposed.
/// </summary>
internal sealed class DeadlinePool(TimeProvider time)
{
    private const int MaxPooled = 1024;
    private readonly ConcurrentQueue<CancellationTokenSource> _pool = new();
    private int _pooled;

    /// <summary>A source cancelled after <paramref name="delay"/>; give it back with <see cref="Return"/> once nothing uses it.</summary>
    public CancellationTokenSource Rent(TimeSpan delay)
    {
        if (time != TimeProvider.System) return new CancellationTokenSource(delay, time);
        if (_pool.TryDequeue(out var source)) Interlocked.Decrement(ref _pooled);
        else source = new CancellationTokenSource();
        source.CancelAfter(delay);
        return source;
    }

    public void Return(CancellationTokenSource source)
    {
        if (time == TimeProvider.System && source.TryReset())
        {
            if (Interlocked.Increment(ref _pooled) <= MaxPooled)
            {
                _pool.Enqueue(source);
                return;
            }
            Interlocked.Decrement(ref _pooled);
        }
        source.Dispose();
    }
}
