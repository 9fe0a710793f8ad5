using k8s;
using Microsoft.Extensions.Options;

namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// The silo's view of the cluster: list + watch of the kinds the dispatchers need (in each watched namespace), kept in
/// one <see cref="WatchCache"/>, and each change handed to the dispatchers that declared its kind, which turn it into
/// observations for the grains owning the objects. Every silo runs one; the grains are single activations, so several
/// silos give one reconcile stream per object and no leader election.
/// </summary>
public sealed class KubernetesControlPlane(
    k8s.Kubernetes client,
    IEnumerable<IWatchDispatcher> dispatchers,
    IOptions<KubernetesOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IWatchSink
{
    private readonly IReadOnlyList<IWatchDispatcher> _dispatchers = [.. dispatchers];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<ResourceWatcher> _watchers = [];

    /// <summary>What every watch has seen.</summary>
    public WatchCache Cache { get; } = new();

    /// <summary>The watchers, once started; tests read their list and resume counts.</summary>
    public IReadOnlyList<ResourceWatcher> Watchers => _watchers;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        IEnumerable<string?> namespaces = settings.Namespaces.Count == 0 ? [null] : settings.Namespaces.Cast<string?>();
        // Two dispatchers may need the same kind with different selectors: one watch per distinct request.
        var kinds = _dispatchers.SelectMany(d => d.Watches).Distinct().ToList();
        foreach (var ns in namespaces)
        {
            foreach (var kind in kinds)
            {
                var source = new WatchSource(client, kind.Group, kind.Version, kind.Plural, ns, kind.LabelSelector);
                _watchers.Add(new ResourceWatcher(source, this, settings, time, loggers.CreateLogger<ResourceWatcher>()));
            }
        }
        return Task.WhenAll(_watchers.Select(w => Task.Run(() => w.RunAsync(stoppingToken), CancellationToken.None)));
    }

    public Task ReplaceAsync(WatchSource source, IReadOnlyList<System.Text.Json.JsonElement> items)
    {
        var gone = Cache.Replace(source.Plural, source.Namespace, items);
        return DispatchAsync(source.Plural, [.. items.Select(WatchCache.KeyOf), .. gone]);
    }

    public Task ChangedAsync(WatchSource source, WatchEventType type, System.Text.Json.JsonElement item)
    {
        var key = WatchCache.KeyOf(item);
        if (type == WatchEventType.Deleted) Cache.Of(source.Plural).TryRemove(key, out _);
        else Cache.Of(source.Plural)[key] = item;
        return DispatchAsync(source.Plural, [key]);
    }

    // One dispatch at a time: a dispatcher reads several kinds from the cache and must not interleave with itself.
    private async Task DispatchAsync(string plural, IReadOnlyCollection<string> keys)
    {
        if (keys.Count == 0) return;
        await _gate.WaitAsync();
        try
        {
            foreach (var dispatcher in _dispatchers)
            {
                if (dispatcher.Watches.Any(w => w.Plural == plural)) await dispatcher.DispatchAsync(Cache, plural, keys);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
