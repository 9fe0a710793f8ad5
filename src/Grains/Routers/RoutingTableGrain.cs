using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace LLMKube.Grains.Routers;

/// <inheritdoc cref="IRoutingTableGrain"/>
/// <remarks>
/// Not persisted: it is a projection of the Router and Backend grains and is rebuilt from them when
/// it activates. A new <see cref="RoutingSnapshot.Epoch"/> tells gateways that it was rebuilt.
/// </remarks>
public sealed partial class RoutingTableGrain : Grain, IRoutingTableGrain
{
    /// <summary>Observers not refreshed within this period are dropped; gateways resubscribe well before.</summary>
    public static readonly TimeSpan SubscriptionExpiry = TimeSpan.FromMinutes(2);

    private readonly ObserverManager<IRoutingTableObserver> _observers;
    private readonly ILogger<RoutingTableGrain> _logger;
    private readonly Guid _epoch = Guid.NewGuid();
    private long _version;
    private RouterConfig? _config;
    private Dictionary<string, BackendHealth> _health = new(StringComparer.Ordinal);
    private RoutingSnapshot? _snapshot;

    public RoutingTableGrain(ILogger<RoutingTableGrain> logger)
    {
        _logger = logger;
        _observers = new ObserverManager<IRoutingTableObserver>(SubscriptionExpiry, logger);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Rebuild from the owners. GetConfig may interleave with an Apply that is publishing to us.
        var config = await GrainFactory.GetGrain<IRouterGrain>(this.GetPrimaryKeyString()).GetConfig();
        if (config is null) return;
        var healths = await Task.WhenAll(config.Backends.Select(b =>
            GrainFactory.GetGrain<IBackendGrain>(IBackendGrain.Key(config.Router, b.Name)).GetHealth()));
        var health = new Dictionary<string, BackendHealth>(StringComparer.Ordinal);
        for (var i = 0; i < healths.Length; i++) health[config.Backends[i].Name] = healths[i];
        SetConfig(config, health);
    }

    public Task Publish(RouterConfig config, IReadOnlyDictionary<string, BackendHealth> health)
    {
        var merged = new Dictionary<string, BackendHealth>(StringComparer.Ordinal);
        foreach (var backend in config.Backends)
        {
            var incoming = health.GetValueOrDefault(backend.Name) ?? BackendHealth.Healthy;
            merged[backend.Name] = _health.TryGetValue(backend.Name, out var known) && known.Transitions > incoming.Transitions
                ? known
                : incoming;
        }
        SetConfig(config, merged);
        return Task.CompletedTask;
    }

    public Task BackendChanged(string backend, BackendHealth health)
    {
        if (_config is null || !_health.TryGetValue(backend, out var known) || known.Transitions >= health.Transitions)
            return Task.CompletedTask;
        var next = new Dictionary<string, BackendHealth>(_health, StringComparer.Ordinal) { [backend] = health };
        _health = next;
        Push();
        return Task.CompletedTask;
    }

    public Task<RoutingSnapshot?> GetSnapshot() => Task.FromResult(_snapshot);

    public Task<SnapshotVersion> GetVersion() => Task.FromResult(new SnapshotVersion(_epoch, _version));

    public Task Subscribe(IRoutingTableObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IRoutingTableObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private void SetConfig(RouterConfig config, Dictionary<string, BackendHealth> health)
    {
        _config = config;
        _health = health;
        Push();
    }

    private void Push()
    {
        _version++;
        _snapshot = new RoutingSnapshot(_epoch, _version, _config!, _health);
        var snapshot = _snapshot;
        _observers.Notify(o => o.OnSnapshot(snapshot));
        LogPushed(this.GetPrimaryKeyString(), _version, _observers.Count);
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "routing table {Router}: version {Version} pushed to {Observers} observers")]
    private partial void LogPushed(string router, long version, int observers);
}
