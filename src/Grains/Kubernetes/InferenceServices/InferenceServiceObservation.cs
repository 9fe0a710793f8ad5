using LLMKube.Grains.Api;

namespace LLMKube.Grains.Kubernetes.InferenceServices;

/// <summary>
/// What a silo saw of one InferenceService and everything its reconcile reads: its Model, the objects it owns, and
/// (for a metal Model) the Mac agent's EndpointSlices. Sent to the service's reconciler grain.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record InferenceServiceObservation(
    [property: Id(0)] InferenceService Service,
    [property: Id(1)] Model? Model,
    [property: Id(2)] DeploymentFacts? Deployment,
    [property: Id(3)] bool ServiceExists,
    [property: Id(4)] bool AutoscalerExists,
    [property: Id(5)] IReadOnlyList<AgentSlice> Slices)
{
    /// <summary>
    /// What decides whether a reconcile is due: the spec generation, what of the Model a reconcile reads, the owned
    /// objects (presence, the Deployment's generation and readiness) and the agent's slices.
    /// </summary>
    public string Fingerprint
    {
        get
        {
            var model = Model is null ? "-" : $"{Model.Metadata.Uid}/{Model.Metadata.Generation}/{Model.Status?.Phase}/{Model.Status?.CacheKey}/{Model.Status?.Path}";
            var deployment = Deployment is null ? "-" : $"{Deployment.Generation}/{Deployment.SpecReplicas}/{Deployment.ReadyReplicas}";
            var slices = string.Join(";", Slices.Select(s => $"{s.Name}={s.Heartbeat}/{s.ReadyEndpoints}"));
            return $"{Service.Metadata.Uid}/{Service.Metadata.Generation}|{model}|{deployment}|{ServiceExists}/{AutoscalerExists}|{slices}";
        }
    }
}
