using k8s;
using Microsoft.Extensions.Options;

namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// The silo's view of the cluster: list + watch of the kinds the dispatchers need (in each watched namespace), kept in
/// one <see cref="WatchCache"/>, and each change handed to the dispatchers that declared its kind, which turn it into
/// observations for the grains owning the objects. Every silo runs one; the grains are single activations, so several
/// silos give one reconcile stream per object and no leader election. Nothing is dispatched until every watch has listed
/// once (as controller-runtime waits for its caches to sync): a router compiled before its Secrets were listed would
/// briefly route without its credential.
/// </summary>
public sealed partial class KubernetesControlPlane(
    k8s.Kubernetes client,
    IEnumerable<IWatchDispatcher> dispatchers,
    IOptions<KubernetesOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IWatchSink
{
    private readonly IReadOnlyList<IWatchDispatcher> _dispatchers = [.. dispatchers];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<ResourceWatcher> _watchers = [];
    private readonly HashSet<WatchSource> _unsynced = [];
    private readonly ILogger _logger = loggers.CreateLogger<KubernetesControlPlane>();
    private volatile bool _synced;

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
        lock (_unsynced) foreach (var watcher in _watchers) _unsynced.Add(watcher.Source);
        var run = _watchers.Select(w => Task.Run(() => w.RunAsync(stoppingToken), CancellationToken.None)).ToList();
        run.Add(SyncDeadlineAsync(settings.InitialSyncTimeout, stoppingToken));
        return Task.WhenAll(run);
    }

    public async Task ReplaceAsync(WatchSource source, IReadOnlyList<System.Text.Json.JsonElement> items)
    {
        var gone = Cache.Replace(source.Plural, source.Namespace, items);
        bool first;
        lock (_unsynced) first = _unsynced.Remove(source) && _unsynced.Count == 0 && !_synced;
        if (first) await SyncedAsync();
        else await DispatchAsync(source.Plural, [.. items.Select(WatchCache.KeyOf), .. gone]);
    }

    public Task ChangedAsync(WatchSource source, WatchEventType type, System.Text.Json.JsonElement item)
    {
        var key = WatchCache.KeyOf(item);
        if (type == WatchEventType.Deleted) Cache.Of(source.Plural).TryRemove(key, out _);
        else Cache.Of(source.Plural)[key] = item;
        return DispatchAsync(source.Plural, [key]);
    }

    // Every watch has listed: everything cached is dispatched once, kind by kind.
    private async Task SyncedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_synced) return;
            _synced = true;
            foreach (var plural in _dispatchers.SelectMany(d => d.Watches).Select(w => w.Plural).Distinct())
                await DispatchLockedAsync(plural, [.. Cache.Of(plural).Keys]);
        }
        finally
        {
            _gate.Release();
        }
    }

    // A watch that cannot list (a kind the service account may not read, say) must not stop everything else for good.
    private async Task SyncDeadlineAsync(TimeSpan timeout, CancellationToken stoppingToken)
    {
        try { await Task.Delay(timeout, time, stoppingToken); }
        catch (OperationCanceledException) { return; }
        string[] waiting;
        lock (_unsynced) waiting = [.. _unsynced.Select(s => s.Name)];
        if (_synced || waiting.Length == 0) return;
        LogSyncTimeout(timeout.TotalSeconds, string.Join(", ", waiting));
        await SyncedAsync();
    }

    // One dispatch at a time: a dispatcher reads several kinds from the cache and must not interleave with itself.
    private async Task DispatchAsync(string plural, IReadOnlyCollection<string> keys)
    {
        if (keys.Count == 0 || !_synced) return;
        await _gate.WaitAsync();
        try
        {
            await DispatchLockedAsync(plural, keys);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DispatchLockedAsync(string plural, IReadOnlyCollection<string> keys)
    {
        if (keys.Count == 0) return;
        foreach (var dispatcher in _dispatchers)
        {
            if (dispatcher.Watches.Any(w => w.Plural == plural)) await dispatcher.DispatchAsync(Cache, plural, keys);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "watches not listed after {Seconds} s ({Sources}): reconciling with what the others have seen")]
    private partial void LogSyncTimeout(double seconds, string sources);

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
