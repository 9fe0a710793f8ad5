using LLMKube.Grains.Api;

namespace LLMKube.Grains.Kubernetes.Routers;

/// <summary>
/// What a silo saw of one ModelRouter and what it owns, sent to the router's reconciler grain: the spec, its
/// compile problems as <c>path: message</c> (computed by the silo from its watch cache), and the observed gateway Deployment.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RouterObservation(
    [property: Id(0)] ModelRouter Router,
    [property: Id(1)] IReadOnlyList<string> Errors,
    [property: Id(2)] int? GatewayReadyReplicas,
    [property: Id(3)] bool GatewayExists)
{
    /// <summary>What decides whether a reconcile is due: the spec generation, the compile verdict and the owned Deployment's readiness.</summary>
    public string Fingerprint => $"{Router.Metadata.Uid}/{Router.Metadata.Generation}/{string.Join(";", Errors)}/{GatewayExists}/{GatewayReadyReplicas}";
}
