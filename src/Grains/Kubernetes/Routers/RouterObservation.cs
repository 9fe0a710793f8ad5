using LLMKube.Grains.Api;

namespace LLMKube.Grains.Kubernetes.Routers;

/// <summary>
/// What a silo saw of one ModelRouter and what it owns, sent to the router's reconciler grain: the spec, its
/// compile problems as <c>path: message</c> (computed by the silo from its watch cache), the observed gateway
/// Deployment, and the backends whose InferenceService is not serving, with why.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RouterObservation(
    [property: Id(0)] ModelRouter Router,
    [property: Id(1)] IReadOnlyList<string> Errors,
    [property: Id(2)] int? GatewayReadyReplicas,
    [property: Id(3)] bool GatewayExists,
    [property: Id(4)] IReadOnlyDictionary<string, string>? Unavailable = null)
{
    /// <summary>
    /// What decides whether a reconcile is due: the spec generation, the compile verdict, the owned Deployment's
    /// readiness and which backends' InferenceServices are not serving.
    /// </summary>
    public string Fingerprint => $"{Router.Metadata.Uid}/{Router.Metadata.Generation}/{string.Join(";", Errors)}/{GatewayExists}/{GatewayReadyReplicas}/"
        + string.Join(";", (Unavailable ?? new Dictionary<string, string>()).OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key}={u.Value}"));
}
