using System.Text.Json;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes;
using LLMKube.Grains.Kubernetes.Models;
using LLMKube.Grains.Models;

namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// Sends each Model's observation (the object, and for a <c>pvc://</c> source whether its claim exists and is Bound)
/// to the Model's reconciler grain when the Model or the claim it reads changed. The grain decides whether a reconcile
/// is due; this only reads the watch cache, so it never waits on anything but the grain call.
/// </summary>
public sealed partial class ModelDispatcher(IGrainFactory grains, ILogger<ModelDispatcher> logger) : IWatchDispatcher
{
    public const string Plural = "models";
    public const string Claims = "persistentvolumeclaims";

    public IReadOnlyList<WatchedKind> Watches { get; } =
    [
        new(KubeNames.Group, KubeNames.Version, Plural),
        new("", "v1", Claims),
    ];

    public async Task DispatchAsync(WatchCache cache, string plural, IReadOnlyCollection<string> keys)
    {
        if (plural == Plural)
        {
            foreach (var key in keys)
            {
                if (cache.Of(Plural).ContainsKey(key)) await ObserveAsync(cache, key);
                else await CallAsync(key, grain => grain.Deleted());
            }
            return;
        }
        // A claim changed: tell the Models of its namespace that read it.
        foreach (var group in keys.GroupBy(WatchCache.NamespaceOf, StringComparer.Ordinal))
        {
            var changed = group.Select(WatchCache.NameOf).ToHashSet(StringComparer.Ordinal);
            foreach (var name in cache.Names(Plural, group.Key))
            {
                var key = $"{group.Key}/{name}";
                if (ClaimOf(cache.Of(Plural).GetValueOrDefault(key)) is { } claim && changed.Contains(claim)) await ObserveAsync(cache, key);
            }
        }
    }

    private async Task ObserveAsync(WatchCache cache, string key)
    {
        var ns = WatchCache.NamespaceOf(key);
        ModelObservation observation;
        try
        {
            var model = cache.Get<Model>(Plural, ns, WatchCache.NameOf(key));
            if (model is null) return;
            var claim = ModelSource.Parse(model.Spec?.Source) is { Kind: ModelSourceKind.Pvc } source ? cache.Get(Claims, ns, source.Claim!) : (JsonElement?)null;
            observation = claim is { } found
                ? new ModelObservation(model, found.ValueKind == JsonValueKind.Object, PhaseOf(found))
                : new ModelObservation(model);
        }
        catch (JsonException ex)
        {
            LogUnreadable(key, ex.Message);
            return;
        }
        await CallAsync(key, grain => grain.Observe(observation));
    }

    private async Task CallAsync(string key, Func<IModelReconcilerGrain, Task> call)
    {
        try
        {
            await call(grains.GetGrain<IModelReconcilerGrain>(key));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogObserveFailed(key, ex.Message);
        }
    }

    // The claim a cached Model reads, without deserializing the whole object.
    private static string? ClaimOf(JsonElement model)
        => model.ValueKind == JsonValueKind.Object && model.TryGetProperty("spec", out var spec) && spec.ValueKind == JsonValueKind.Object
           && spec.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.String
           && ModelSource.Parse(source.GetString()) is { Kind: ModelSourceKind.Pvc } parsed ? parsed.Claim : null;

    private static string? PhaseOf(JsonElement claim)
        => claim.ValueKind == JsonValueKind.Object && claim.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object
           && status.TryGetProperty("phase", out var phase) && phase.ValueKind == JsonValueKind.String ? phase.GetString() : null;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Model {Model}: could not hand the observation to its grain: {Reason}")]
    private partial void LogObserveFailed(string model, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Model {Model}: the cached object could not be read: {Reason}")]
    private partial void LogUnreadable(string model, string reason);
}
