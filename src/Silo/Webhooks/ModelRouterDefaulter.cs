using System.Globalization;
using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;

namespace LLMKube.Silo.Webhooks;

/// <summary>
/// The defaults of a <c>ModelRouter</c> that depend on other fields, so the CRD schema cannot declare them: a backend's
/// <c>tier</c> follows from whether it is an InferenceService or an external provider.
/// </summary>
public static class ModelRouterDefaulter
{
    /// <summary>
    /// One <c>add</c> per backend without a <c>tier</c>: the tier it routes with anyway (<see cref="RouterSpecDefaults.EffectiveTier"/>),
    /// written down so <c>kubectl get -o yaml</c> shows it. A backend naming neither or both targets is left to the validator.
    /// </summary>
    public static IReadOnlyList<JsonPatchOperation> Defaults(ModelRouter router)
    {
        var backends = router.Spec?.Backends;
        if (backends is null) return [];
        var patches = new List<JsonPatchOperation>();
        for (var i = 0; i < backends.Count; i++)
        {
            var backend = backends[i];
            if (backend is null || backend.Tier is not null || (backend.InferenceServiceRef is null) == (backend.External is null)) continue;
            patches.Add(JsonPatchOperation.Add($"/spec/backends/{i.ToString(CultureInfo.InvariantCulture)}/tier", RouterSpecDefaults.EffectiveTier(backend)));
        }
        return patches;
    }
}
