using System.Text.Json.Nodes;
using LLMKube.Grains.Api;
using LLMKube.Grains.Kubernetes.Gateways;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>The status an InferenceService's reconciler writes, with the conditions it keeps between writes.</summary>
public sealed record InferenceServiceStatusResult(JsonObject Status, IReadOnlyList<KubeCondition> Conditions);

/// <summary>
/// <c>status</c> of an InferenceService as a pure function of the phase decision. Conditions <c>Available</c>,
/// <c>Progressing</c> and <c>Degraded</c> are always all present, so <c>kubectl wait --for=condition=...</c> works on each.
/// </summary>
public static class InferenceServiceStatusBuilder
{
    public static InferenceServiceStatusResult Build(
        InferenceService service, PhaseDecision decision, int desired, int ready, bool modelReady,
        IReadOnlyList<KubeCondition>? previous, DateTimeOffset now, GatewayOutcome? gateway = null)
    {
        var generation = service.Metadata.Generation ?? 0;
        var phase = decision.Phase;
        var available = PhaseDecision.Serves(phase);
        var progressing = phase is PhaseDecision.Creating or PhaseDecision.Pending or PhaseDecision.Progressing;
        var failed = phase == PhaseDecision.Failed;
        List<KubeCondition> conditions =
        [
            KubeCondition.Next(previous, "Available", available, decision.Reason, decision.Message, now, generation),
            KubeCondition.Next(previous, "Progressing", progressing, progressing ? decision.Reason : phase, decision.Message, now, generation),
            KubeCondition.Next(previous, "Degraded", failed, failed ? decision.Reason : "AsExpected", failed ? decision.Message : "", now, generation),
        ];
        var status = new JsonObject
        {
            ["observedGeneration"] = generation,
            ["phase"] = phase,
            ["readyReplicas"] = ready,
            ["desiredReplicas"] = desired,
            ["replicas"] = desired,
            ["endpoint"] = WorkloadBuilder.Endpoint(service),
            ["modelReady"] = modelReady,
        };
        // Left out when the decision carries none: a value the Mac agent wrote stays, one we wrote goes.
        if (decision.SchedulingStatus is { } scheduling)
        {
            status["schedulingStatus"] = scheduling;
            status["schedulingMessage"] = decision.SchedulingMessage ?? "";
        }
        // Only while endpoint.gateway is enabled: switched off, the condition and status.gateway go with the objects.
        if (gateway is not null)
        {
            conditions.Add(gateway.Condition(previous, now, generation));
            status["gateway"] = gateway.ToStatus();
        }
        status["conditions"] = new JsonArray([.. conditions.Select(c => (JsonNode)c.ToJson())]);
        return new InferenceServiceStatusResult(status, conditions);
    }
}
