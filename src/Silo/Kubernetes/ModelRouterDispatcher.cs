using System.Text.Json;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.InferenceServices;
using LLMKube.Grains.Kubernetes.Routers;
using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;

namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// Sends each ModelRouter's observation (spec, compile verdict against the cached InferenceServices and Secrets, its
/// gateway Deployment) to the router's reconciler grain when the router or anything it compiles against changed.
/// </summary>
public sealed partial class ModelRouterDispatcher(IGrainFactory grains, ILogger<ModelRouterDispatcher> logger) : IWatchDispatcher
{
    public const string Plural = "modelrouters";

    public IReadOnlyList<WatchedKind> Watches { get; } =
    [
        new(KubeNames.Group, KubeNames.Version, Plural),
        new(KubeNames.Group, KubeNames.Version, "inferenceservices"),
        new("", "v1", "secrets"),
        new("apps", "v1", "deployments", $"{KubeNames.ManagedByLabel}={KubeNames.ManagedBy}"),
    ];

    public async Task DispatchAsync(WatchCache cache, string plural, IReadOnlyCollection<string> keys)
    {
        if (plural == "deployments")
        {
            // A gateway Deployment concerns only the router that owns it.
            foreach (var key in keys)
            {
                var item = cache.Of(plural).GetValueOrDefault(key);
                if (item.ValueKind == JsonValueKind.Object && WatchCache.Label(item, GatewayObjectsBuilder.RouterLabel) is { } router)
                    await ReconcileAsync(cache, WatchCache.NamespaceOf(key), [router]);
            }
            return;
        }
        foreach (var ns in keys.Select(WatchCache.NamespaceOf).Distinct(StringComparer.Ordinal))
        {
            if (plural == Plural)
            {
                foreach (var gone in keys.Where(k => WatchCache.NamespaceOf(k) == ns && !cache.Of(Plural).ContainsKey(k)))
                    await grains.GetGrain<IModelRouterReconcilerGrain>(gone).Deleted();
            }
            await ReconcileAsync(cache, ns, cache.Names(Plural, ns));
        }
    }

    private async Task ReconcileAsync(WatchCache cache, string ns, IReadOnlyList<string> names)
    {
        var resources = ResourcesOf(cache, ns);
        var notServing = NotServing(resources, ns);
        foreach (var name in names)
        {
            if (resources.FindRouter(ns, name) is not { } router) continue;
            try
            {
                var compiled = RouterCompiler.Compile(router, resources);
                var deployment = cache.Get("deployments", ns, GatewayObjectsBuilder.NameOf(name));
                var observation = new RouterObservation(
                    router,
                    [.. compiled.Errors.Select(e => e.ToString())],
                    ReadyReplicas(deployment),
                    deployment.ValueKind == JsonValueKind.Object,
                    Unavailable(router, notServing));
                await grains.GetGrain<IModelRouterReconcilerGrain>($"{ns}/{name}").Observe(observation, compiled.Config);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogObserveFailed(ns, name, ex.Message);
            }
        }
    }

    // Everything a router in ns compiles against. An InferenceService without a status endpoint yet is reached
    // at its Service's cluster address, as its reconciler will publish it.
    private static ResourceSet ResourcesOf(WatchCache cache, string ns)
    {
        var services = cache.All<InferenceService>("inferenceservices", ns);
        foreach (var service in services)
        {
            if (!string.IsNullOrEmpty(service.Status?.Endpoint)) continue;
            service.Status ??= new InferenceServiceStatus();
            service.Status.Endpoint = $"http://{KubeNames.Sanitize(service.Metadata.Name!)}.{ns}.svc.cluster.local:{service.Spec?.Endpoint?.Port ?? RouterCompiler.DefaultInferenceServicePort}";
        }
        return new ResourceSet(cache.All<ModelRouter>(Plural, ns), services, cache.All<Secret>("secrets", ns));
    }

    // InferenceServices of ns that routers must not send traffic to, with why (their phase).
    private static Dictionary<string, string> NotServing(ResourceSet resources, string ns)
        => resources.InferenceServices
            .Where(s => !PhaseDecision.Serves(s.Status?.Phase))
            .ToDictionary(s => s.Metadata.Name!, s => $"InferenceService {ns}/{s.Metadata.Name} is {s.Status?.Phase ?? "not reconciled yet"}", StringComparer.Ordinal);

    private static Dictionary<string, string> Unavailable(ModelRouter router, Dictionary<string, string> notServing)
    {
        var unavailable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var backend in router.Spec?.Backends ?? [])
        {
            if (backend.Name is { } name && backend.InferenceServiceRef?.Name is { } service && notServing.TryGetValue(service, out var reason))
                unavailable[name] = reason;
        }
        return unavailable;
    }

    private static int? ReadyReplicas(JsonElement deployment)
        => deployment.ValueKind == JsonValueKind.Object && deployment.TryGetProperty("status", out var s) && s.TryGetProperty("readyReplicas", out var r) && r.TryGetInt32(out var n) ? n : null;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "ModelRouter {Namespace}/{Name}: could not hand the observation to its grain: {Reason}")]
    private partial void LogObserveFailed(string @namespace, string name, string reason);
}
