using System.Text.Json;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.InferenceServices;

namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// Sends each InferenceService's observation (spec, its Model, the Deployment, Service and autoscaler it owns, and the
/// Mac agent's EndpointSlices for a metal Model) to the service's reconciler grain whenever any of them changed.
/// </summary>
public sealed partial class InferenceServiceDispatcher(IGrainFactory grains, ILogger<InferenceServiceDispatcher> logger) : IWatchDispatcher
{
    public const string Plural = "inferenceservices";
    private const string Models = "models";
    private const string Deployments = "deployments";
    private const string Services = "services";
    private const string Autoscalers = "horizontalpodautoscalers";
    private const string Slices = "endpointslices";
    private const string Owned = $"{KubeNames.ManagedByLabel}={KubeNames.ManagedBy}";

    public IReadOnlyList<WatchedKind> Watches { get; } =
    [
        new(KubeNames.Group, KubeNames.Version, Plural),
        new(KubeNames.Group, KubeNames.Version, Models),
        new("apps", "v1", Deployments, Owned),
        new("", "v1", Services, Owned),
        new("autoscaling", "v2", Autoscalers, Owned),
        new("discovery.k8s.io", "v1", Slices, $"{AgentSlice.ManagedByLabel}={AgentSlice.ManagedByAgent}"),
    ];

    public async Task DispatchAsync(WatchCache cache, string plural, IReadOnlyCollection<string> keys)
    {
        var targets = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var ns = WatchCache.NamespaceOf(key);
            var name = WatchCache.NameOf(key);
            switch (plural)
            {
                case Plural when !cache.Of(Plural).ContainsKey(key):
                    await Guard(ns, name, () => grains.GetGrain<IInferenceServiceReconcilerGrain>(key).Deleted());
                    break;
                case Plural:
                    targets.Add(key);
                    break;
                case Models:
                    foreach (var service in cache.All<InferenceService>(Plural, ns).Where(s => s.Spec?.ModelRef == name))
                        targets.Add($"{ns}/{service.Metadata.Name}");
                    break;
                case Deployments or Autoscalers:
                    // Named after the service; a deleted object is no longer in the cache to read labels from.
                    if (cache.Of(Plural).ContainsKey(key)) targets.Add(key);
                    break;
                case Services:
                    AddBySanitizedName(cache, ns, name, targets);
                    break;
                case Slices:
                    var slice = cache.Of(Slices).GetValueOrDefault(key);
                    AddBySanitizedName(cache, ns, slice.ValueKind == JsonValueKind.Object ? WatchCache.Label(slice, AgentSlice.ServiceNameLabel) ?? name : name, targets);
                    break;
            }
        }
        foreach (var key in targets)
        {
            var ns = WatchCache.NamespaceOf(key);
            var name = WatchCache.NameOf(key);
            if (Observe(cache, ns, name) is { } observation)
                await Guard(ns, name, () => grains.GetGrain<IInferenceServiceReconcilerGrain>(key).Observe(observation));
        }
    }

    /// <summary>What the reconciler of <paramref name="ns"/>/<paramref name="name"/> needs, from the cache; null when the service is gone.</summary>
    public static InferenceServiceObservation? Observe(WatchCache cache, string ns, string name)
    {
        if (cache.Get<InferenceService>(Plural, ns, name) is not { } service) return null;
        var model = service.Spec?.ModelRef is { Length: > 0 } modelRef ? cache.Get<Model>(Models, ns, modelRef) : null;
        var serviceName = KubeNames.Sanitize(name);
        var slices = cache.Of(Slices)
            .Where(p => WatchCache.NamespaceOf(p.Key) == ns && WatchCache.Label(p.Value, AgentSlice.ServiceNameLabel) == serviceName)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new AgentSlice(WatchCache.NameOf(p.Key), WatchCache.Annotation(p.Value, AgentSlice.HeartbeatAnnotation), ReadyEndpoints(p.Value)))
            .ToList();
        return new InferenceServiceObservation(
            service,
            model,
            DeploymentOf(cache.Get(Deployments, ns, name), name),
            cache.Get(Services, ns, serviceName).ValueKind == JsonValueKind.Object,
            cache.Get(Autoscalers, ns, name).ValueKind == JsonValueKind.Object,
            slices);
    }

    private static void AddBySanitizedName(WatchCache cache, string ns, string serviceName, SortedSet<string> targets)
    {
        foreach (var name in cache.Names(Plural, ns).Where(n => KubeNames.Sanitize(n) == serviceName)) targets.Add($"{ns}/{name}");
    }

    // Only the Deployment this service owns (its label says so); a same-named one of someone else is not ours to read.
    private static DeploymentFacts? DeploymentOf(JsonElement deployment, string name)
    {
        if (deployment.ValueKind != JsonValueKind.Object || WatchCache.Label(deployment, WorkloadBuilder.ServiceLabel) != name) return null;
        var generation = deployment.GetProperty("metadata").TryGetProperty("generation", out var g) && g.TryGetInt64(out var gen) ? gen : 0;
        int? replicas = deployment.TryGetProperty("spec", out var spec) && spec.TryGetProperty("replicas", out var r) && r.TryGetInt32(out var n) ? n : null;
        var ready = deployment.TryGetProperty("status", out var status) && status.TryGetProperty("readyReplicas", out var rr) && rr.TryGetInt32(out var m) ? m : 0;
        return new DeploymentFacts(generation, replicas, ready);
    }

    // An endpoint with no ready condition counts as ready, as the EndpointSlice API defines it.
    private static int ReadyEndpoints(JsonElement slice)
    {
        if (!slice.TryGetProperty("endpoints", out var endpoints) || endpoints.ValueKind != JsonValueKind.Array) return 0;
        return endpoints.EnumerateArray().Count(e =>
            !e.TryGetProperty("conditions", out var c) || !c.TryGetProperty("ready", out var ready) || ready.ValueKind != JsonValueKind.False);
    }

    private async Task Guard(string ns, string name, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogObserveFailed(ns, name, ex.Message);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "InferenceService {Namespace}/{Name}: could not hand the observation to its grain: {Reason}")]
    private partial void LogObserveFailed(string @namespace, string name, string reason);
}
