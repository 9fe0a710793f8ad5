using LLMKube.Grains.Api;

namespace LLMKube.Grains.Kubernetes.Models;

/// <summary>
/// What a silo saw of one Model, sent to the Model's reconciler grain: the object (spec, metadata and the status last
/// written) and, for a <c>pvc://</c> source, whether its claim exists in the namespace and its phase.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ModelObservation(
    [property: Id(0)] Model Model,
    [property: Id(1)] bool? ClaimExists = null,
    [property: Id(2)] string? ClaimPhase = null)
{
    /// <summary>What decides whether a reconcile is due: the object's identity and generation and the claim it reads.</summary>
    public string Fingerprint => $"{Model.Metadata.Uid}/{Model.Metadata.Generation}/{ClaimExists}/{ClaimPhase}";
}
