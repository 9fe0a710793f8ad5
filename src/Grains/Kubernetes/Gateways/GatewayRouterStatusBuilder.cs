using System.Text.Json.Nodes;
using LLMKube.Grains.Backends;
using LLMKube.Grains.Kubernetes.Routers;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// <c>status</c> of a Gateway-mode ModelRouter: <c>Validated</c>, <c>GatewayReady</c> (mirrored by <c>Available</c>),
/// <c>BackendsReady</c>, the shared circuit of each backend and <c>status.gateway</c>. No endpoint: clients reach the
/// Gateway, whose address is the gateway's business.
/// </summary>
public static class GatewayRouterStatusBuilder
{
    /// <summary>Phase while the gateway CRDs are not installed.</summary>
    public const string PhasePending = "Pending";

    public static RouterStatus Build(
        RouterObservation observed,
        RouterConfig? config,
        IReadOnlyDictionary<string, BackendHealth>? health,
        GatewayOutcome outcome,
        IReadOnlyList<KubeCondition>? previous,
        DateTimeOffset now)
    {
        var generation = observed.Router.Metadata.Generation ?? 0;
        var valid = observed.Errors.Count == 0;
        var conditions = new List<KubeCondition>
        {
            valid
                ? KubeCondition.Next(previous, "Validated", true, "SpecValid", "the spec is valid and compiled", now, generation)
                : KubeCondition.Next(previous, "Validated", false, "SpecInvalid", string.Join("; ", observed.Errors), now, generation),
            outcome.Condition(previous, now, generation),
            KubeCondition.Next(previous, "Available", outcome.Ready, outcome.Reason, outcome.Ready ? "the generated route is applied" : outcome.Message, now, generation),
        };
        var status = new JsonObject { ["observedGeneration"] = generation, ["activeRules"] = outcome.Ready ? outcome.Rules : 0 };
        var allHealthy = true;
        if (valid)
        {
            (var backendsReady, allHealthy) = RouterStatusBuilder.BackendsReady(health, previous, now, generation);
            conditions.Add(backendsReady);
            if (config is not null) status["backends"] = RouterStatusBuilder.Backends(config, health);
        }
        var phase = outcome switch
        {
            { Ready: true } => allHealthy ? RouterStatusBuilder.PhaseReady : RouterStatusBuilder.PhaseDegraded,
            { Reason: GatewayReasons.CrdsNotInstalled } => PhasePending,
            { Reason: GatewayReasons.ReconcileFailed } => RouterStatusBuilder.PhaseProvisioning,
            _ => RouterStatusBuilder.PhaseFailed,
        };
        status["gateway"] = outcome.ToStatus();
        status["phase"] = phase;
        status["conditions"] = new JsonArray([.. conditions.Select(c => (JsonNode)c.ToJson())]);
        return new RouterStatus(status, conditions, phase);
    }
}
