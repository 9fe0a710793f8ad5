using LLMKube.Gateway.Health;
using LLMKube.Grains;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routers;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Routing;

/// <summary>
/// The gateway's current <see cref="RoutePlan"/>, swapped atomically and read lock-free by every
/// request. Backend runtimes (and their local breakers) survive snapshot swaps; a backend whose
/// upstream changed gets a fresh one.
/// </summary>
/// <param name="time">Real time, for the waits on grain answers; breaker decisions run on <paramref name="clock"/>.</param>
internal sealed class RoutingState(IGrainFactory grains, RoutingClock clock, GatewayIdentity identity, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, BackendRuntime> _runtimes = new(StringComparer.Ordinal);
    private volatile RoutePlan? _current;

    private long _lastContactTicks;

    /// <summary>When the routing table last answered this gateway (a push or a poll).</summary>
    public DateTimeOffset LastContact => new(Interlocked.Read(ref _lastContactTicks), TimeSpan.Zero);

    /// <summary>Records that the routing table answered.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastContactTicks, clock.Now.UtcTicks);

    /// <summary>The plan in force, or null before the first snapshot.</summary>
    public RoutePlan? Current => _current;

    /// <summary>Completes when the first snapshot has been applied.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Raised after a new plan is in force: the health-check monitor follows it, tests wait on it.</summary>
    public event Action<RoutePlan>? Applied;

    /// <summary>Applies a snapshot if it is newer than the current one (or from a new epoch).</summary>
    public bool Apply(RoutingSnapshot snapshot)
    {
        Touch();
        RoutePlan plan;
        lock (_gate)
        {
            var current = _current;
            var newEpoch = current is null || current.Snapshot.Epoch != snapshot.Epoch;
            if (!newEpoch && snapshot.Version <= current!.Snapshot.Version) return false;

            var runtimes = new Dictionary<string, BackendRuntime>(StringComparer.Ordinal);
            foreach (var backend in snapshot.Config.Backends)
            {
                var health = snapshot.Backends.GetValueOrDefault(backend.Name) ?? BackendHealth.Healthy;
                if (_runtimes.TryGetValue(backend.Name, out var runtime) && runtime.Upstream == backend.UpstreamIdentity)
                {
                    runtime.Update(backend, health, reset: newEpoch);
                }
                else
                {
                    var grain = grains.GetGrain<IBackendGrain>(IBackendGrain.Key(snapshot.Config.Router, backend.Name));
                    runtime = new BackendRuntime(backend, health, grain, identity.Id, clock, time);
                }
                runtime.Policy = BreakerPolicy.For(snapshot.Config, backend);
                runtimes[backend.Name] = runtime;
            }
            _runtimes = runtimes;
            plan = new RoutePlan(snapshot, runtimes, clock.Now);
            _current = plan;
        }
        _ready.TrySetResult();
        Applied?.Invoke(plan);
        return true;
    }
}
