using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Routers;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Options;

namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// The silo's view of the cluster: list + watch of our kinds and of what they depend on or own, kept in a cache,
/// and each change turned into observations for the grains that own the objects. Every silo runs one; the grains
/// are single activations, so several silos give one reconcile stream per object and no leader election.
/// </summary>
public sealed partial class KubernetesControlPlane(
    k8s.Kubernetes client,
    IGrainFactory grains,
    IOptions<KubernetesOptions> options,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService, IWatchSink
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web);

    private readonly ILogger _logger = loggers.CreateLogger<KubernetesControlPlane>();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonElement>> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<ResourceWatcher> _watchers = [];

    /// <summary>The watchers, once started; tests read their list and resume counts.</summary>
    public IReadOnlyList<ResourceWatcher> Watchers => _watchers;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        IEnumerable<string?> namespaces = settings.Namespaces.Count == 0 ? [null] : settings.Namespaces.Cast<string?>();
        foreach (var ns in namespaces)
        {
            Add(new WatchSource(client, KubeNames.Group, KubeNames.Version, "modelrouters", ns));
            Add(new WatchSource(client, KubeNames.Group, KubeNames.Version, "inferenceservices", ns));
            Add(new WatchSource(client, "", "v1", "secrets", ns));
            Add(new WatchSource(client, "apps", "v1", "deployments", ns, $"{KubeNames.ManagedByLabel}={KubeNames.ManagedBy}"));
        }
        return Task.WhenAll(_watchers.Select(w => Task.Run(() => w.RunAsync(stoppingToken), CancellationToken.None)));

        void Add(WatchSource source) => _watchers.Add(new ResourceWatcher(source, this, settings, time, loggers.CreateLogger<ResourceWatcher>()));
    }

    public async Task ReplaceAsync(WatchSource source, IReadOnlyList<JsonElement> items)
    {
        var cache = CacheOf(source.Plural);
        var fresh = items.ToDictionary(KeyOf, i => i, StringComparer.Ordinal);
        var gone = cache.Keys.Where(k => !fresh.ContainsKey(k)).ToList();
        foreach (var key in gone) cache.TryRemove(key, out _);
        foreach (var (key, item) in fresh) cache[key] = item;
        var touched = fresh.Keys.Concat(gone).Select(NamespaceOf).Distinct(StringComparer.Ordinal);
        foreach (var ns in touched) await ReconcileNamespaceAsync(ns, source.Plural == "modelrouters" ? [.. gone.Where(k => NamespaceOf(k) == ns)] : []);
    }

    public async Task ChangedAsync(WatchSource source, WatchEventType type, JsonElement item)
    {
        var key = KeyOf(item);
        var cache = CacheOf(source.Plural);
        if (type == WatchEventType.Deleted) cache.TryRemove(key, out _);
        else cache[key] = item;
        if (source.Plural == "deployments")
        {
            // A gateway Deployment concerns only the router that owns it.
            var owner = item.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("labels", out var labels)
                        && labels.TryGetProperty(GatewayObjectsBuilder.RouterLabel, out var r) ? r.GetString() : null;
            if (owner is not null) await ReconcileRoutersAsync(NamespaceOf(key), [owner], []);
            return;
        }
        await ReconcileNamespaceAsync(NamespaceOf(key), source.Plural == "modelrouters" && type == WatchEventType.Deleted ? [key] : []);
    }

    private Task ReconcileNamespaceAsync(string ns, IReadOnlyList<string> deletedRouters)
    {
        var names = CacheOf("modelrouters").Keys.Where(k => NamespaceOf(k) == ns).Select(k => k[(ns.Length + 1)..]).ToList();
        return ReconcileRoutersAsync(ns, names, deletedRouters);
    }

    private async Task ReconcileRoutersAsync(string ns, IReadOnlyList<string> names, IReadOnlyList<string> deleted)
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var key in deleted) await grains.GetGrain<IModelRouterReconcilerGrain>(key).Deleted();
            var resources = ResourcesOf(ns);
            foreach (var name in names)
            {
                if (resources.FindRouter(ns, name) is not { } router) continue;
                try
                {
                    var compiled = RouterCompiler.Compile(router, resources);
                    var deployment = CacheOf("deployments").GetValueOrDefault($"{ns}/{GatewayObjectsBuilder.NameOf(name)}");
                    var observation = new RouterObservation(
                        router,
                        [.. compiled.Errors.Select(e => e.ToString())],
                        ReadyReplicas(deployment),
                        deployment.ValueKind == JsonValueKind.Object);
                    await grains.GetGrain<IModelRouterReconcilerGrain>($"{ns}/{name}").Observe(observation, compiled.Config);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogObserveFailed(ns, name, ex.Message);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // Everything a router in ns compiles against. An InferenceService without a status endpoint yet is reached
    // at its Service's cluster address, as the reconciler will publish it.
    private ResourceSet ResourcesOf(string ns)
    {
        var routers = Objects<ModelRouter>("modelrouters", ns);
        var services = Objects<InferenceService>("inferenceservices", ns);
        foreach (var service in services)
        {
            if (!string.IsNullOrEmpty(service.Status?.Endpoint)) continue;
            service.Status ??= new InferenceServiceStatus();
            service.Status.Endpoint = $"http://{KubeNames.Sanitize(service.Metadata.Name!)}.{ns}.svc.cluster.local:{service.Spec?.Endpoint?.Port ?? RouterCompiler.DefaultInferenceServicePort}";
        }
        return new ResourceSet(routers, services, Objects<Secret>("secrets", ns));
    }

    private List<T> Objects<T>(string plural, string ns) where T : KubeObject
        => [.. CacheOf(plural).Where(p => NamespaceOf(p.Key) == ns).Select(p => p.Value.Deserialize<T>(_json)).OfType<T>()];

    private static int? ReadyReplicas(JsonElement deployment)
        => deployment.ValueKind == JsonValueKind.Object && deployment.TryGetProperty("status", out var s) && s.TryGetProperty("readyReplicas", out var r) && r.TryGetInt32(out var n) ? n : null;

    private ConcurrentDictionary<string, JsonElement> CacheOf(string plural) => _cache.GetOrAdd(plural, _ => new(StringComparer.Ordinal));

    private static string KeyOf(JsonElement item)
    {
        var meta = item.GetProperty("metadata");
        var ns = meta.TryGetProperty("namespace", out var n) ? n.GetString() : null;
        return $"{(string.IsNullOrEmpty(ns) ? ObjectKey.DefaultNamespace : ns)}/{meta.GetProperty("name").GetString()}";
    }

    private static string NamespaceOf(string key) => key[..key.IndexOf('/', StringComparison.Ordinal)];

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "ModelRouter {Namespace}/{Name}: could not hand the observation to its grain: {Reason}")]
    private partial void LogObserveFailed(string @namespace, string name, string reason);
}
