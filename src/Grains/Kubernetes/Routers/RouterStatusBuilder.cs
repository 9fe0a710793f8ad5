using System.Globalization;
using System.Text.Json.Nodes;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Kubernetes.Routers;

/// <summary>The status a router's reconciler writes, with the conditions it keeps between writes.</summary>
public sealed record RouterStatus(JsonObject Status, IReadOnlyList<KubeCondition> Conditions, string Phase);

/// <summary>
/// <c>status</c> of a ModelRouter as a pure function of what was observed: validation, the gateway Deployment and
/// the shared circuit of each backend (from the router's routing snapshot, so it changes on transitions only).
/// </summary>
public static class RouterStatusBuilder
{
    public const string PhaseFailed = "Failed";
    public const string PhaseReady = "Ready";
    public const string PhaseDegraded = "Degraded";
    public const string PhaseProvisioning = "Provisioning";

    public static RouterStatus Build(
        RouterObservation observed,
        RouterConfig? config,
        IReadOnlyDictionary<string, BackendHealth>? health,
        IReadOnlyList<KubeCondition>? previous,
        DateTimeOffset now)
    {
        var router = observed.Router;
        var generation = router.Metadata.Generation ?? 0;
        var conditions = new List<KubeCondition>();
        string phase;
        var status = new JsonObject { ["observedGeneration"] = generation };
        if (observed.Errors.Count > 0)
        {
            conditions.Add(KubeCondition.Next(previous, "Validated", false, "SpecInvalid", string.Join("; ", observed.Errors), now, generation));
            conditions.Add(KubeCondition.Next(previous, "Available", false, "SpecInvalid", "the router is not served until its spec is valid", now, generation));
            phase = PhaseFailed;
            status["activeRules"] = 0;
        }
        else
        {
            conditions.Add(KubeCondition.Next(previous, "Validated", true, "SpecValid", "the spec is valid and compiled", now, generation));
            var desired = router.Spec?.Proxy?.Replicas ?? GatewayObjectsBuilder.DefaultReplicas;
            var ready = observed.GatewayReadyReplicas ?? 0;
            var deploymentReady = desired == 0 || ready >= desired;
            conditions.Add(KubeCondition.Next(previous, "Available", deploymentReady,
                deploymentReady ? "DeploymentReady" : "DeploymentNotReady",
                $"{ready}/{desired} gateway replicas ready", now, generation));
            var (backendsReady, allHealthy) = BackendsReady(health, previous, now, generation);
            conditions.Add(backendsReady);
            phase = !deploymentReady ? PhaseProvisioning : allHealthy ? PhaseReady : PhaseDegraded;
            status["activeRules"] = router.Spec?.Rules?.Count ?? 0;
            status["endpoint"] = GatewayObjectsBuilder.Endpoint(router);
            if (config is not null) status["backends"] = Backends(config, health);
        }
        status["phase"] = phase;
        status["conditions"] = new JsonArray([.. conditions.Select(c => (JsonNode)c.ToJson())]);
        return new RouterStatus(status, conditions, phase);
    }

    /// <summary>The <c>BackendsReady</c> condition: every backend in rotation with its circuit closed, or which are not.</summary>
    public static (KubeCondition Condition, bool AllHealthy) BackendsReady(IReadOnlyDictionary<string, BackendHealth>? health, IReadOnlyList<KubeCondition>? previous, DateTimeOffset now, long generation)
    {
        var open = health?.Where(h => !h.Value.IsClosed && h.Value.Blocked is null).Select(h => h.Key).Order(StringComparer.Ordinal).ToList() ?? [];
        var blocked = health?.Where(h => h.Value.Blocked is not null).Select(h => h.Key).Order(StringComparer.Ordinal).ToList() ?? [];
        var allHealthy = open.Count == 0 && blocked.Count == 0;
        var problems = new List<string>();
        if (blocked.Count > 0) problems.Add("unavailable: " + string.Join(", ", blocked));
        if (open.Count > 0) problems.Add("quarantined: " + string.Join(", ", open));
        var condition = KubeCondition.Next(previous, "BackendsReady", allHealthy,
            allHealthy ? "BackendsHealthy" : blocked.Count > 0 ? "BackendsUnavailable" : "BackendsQuarantined",
            allHealthy ? "every backend is in rotation with its circuit closed" : string.Join("; ", problems), now, generation);
        return (condition, allHealthy);
    }

    /// <summary><c>status.backends</c>: each backend's address and shared circuit.</summary>
    public static JsonArray Backends(RouterConfig config, IReadOnlyDictionary<string, BackendHealth>? health)
    {
        var array = new JsonArray();
        foreach (var backend in config.Backends)
        {
            var h = health?.GetValueOrDefault(backend.Name) ?? BackendHealth.Healthy;
            var item = new JsonObject
            {
                ["name"] = backend.Name,
                ["address"] = backend.Address,
                ["healthy"] = h.IsClosed && h.Blocked is null,
                ["state"] = h.Blocked is not null ? "Unavailable" : h.IsClosed ? "Healthy" : "Quarantined",
            };
            // A block is a lifecycle state (the InferenceService is not serving), never a body or credential.
            if (h.Blocked is { } reason) item["reason"] = reason;
            if (!h.IsClosed) item["quarantinedUntil"] = Rfc3339(h.OpenUntil);
            // LastError is a failure class and status code written by the Backend grain, never a body or credential.
            if (h.LastError is { Length: > 0 } error) item["lastError"] = error;
            array.Add(item);
        }
        return array;
    }

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
